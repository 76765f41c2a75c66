/**
 * Plain-code checks for the relay's most frequent client frames (`send`, `ack`, `refuse`,
 * `receipt_ack`, `ping`), tried before the zod schema. zod's walk of a `send` (its checks, issue
 * lists, a fresh output object) was about 9% of the server's CPU per relayed message (bench/README.md,
 * "Where the relay's cost goes"); these checks are the schema's own rules, spelled out.
 *
 * They only ever accept: a frame they accept is exactly one the schema accepts, and the schema
 * would return the same fields (it strips unknown keys, so any key not in the schema sends the
 * frame to the schema). Anything they do not accept goes to the schema, which accepts or refuses
 * it with its usual message. shared/protocol-hot.test.ts holds both to agreeing.
 * Like protocol-primitives.ts, this file must not import protocol.ts.
 */
import { LIMITS } from './limits';
import { USERNAME_PATTERN } from './username';

/** MessageId's and SealedEnvelope's charset (protocol-primitives.ts). */
const TOKEN = /^[A-Za-z0-9_-]+$/;

// The strings below are ASCII once their pattern matched, so UTF-16 length is zod's code-point length.
const isUsername = (v: unknown): boolean => typeof v === 'string' && USERNAME_PATTERN.test(v);
const isMessageId = (v: unknown): boolean => typeof v === 'string' && v.length >= 8 && v.length <= 64 && TOKEN.test(v);
const isEnvelope = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.maxEnvelopeChars && TOKEN.test(v);
const isTtl = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= LIMITS.maxSendTtlSeconds);

function isIdBatch(v: unknown): boolean {
  if (!Array.isArray(v) || v.length < 1 || v.length > LIMITS.maxAckBatch) return false;
  for (const id of v) if (!isMessageId(id)) return false;
  return true;
}

/** True when `o` has no key outside `allowed` (own enumerable keys: all JSON.parse makes). */
function onlyKeys(o: object, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

const SEND_KEYS = new Set(['t', 'to', 'id', 'env', 'ttl']);
const ACK_KEYS = new Set(['t', 'from', 'ids']);
const RECEIPT_ACK_KEYS = new Set(['t', 'by', 'ids']);
const PING_KEYS = new Set(['t']);

type Raw = Record<string, unknown>;

/** Per frame type, a check that accepts only what the schema accepts unchanged. */
const HOT: Record<string, (f: Raw) => boolean> = {
  send: (f) => onlyKeys(f, SEND_KEYS) && isUsername(f.to) && isMessageId(f.id) && isEnvelope(f.env) && isTtl(f.ttl),
  ack: (f) => onlyKeys(f, ACK_KEYS) && isUsername(f.from) && isIdBatch(f.ids),
  refuse: (f) => onlyKeys(f, ACK_KEYS) && isUsername(f.from) && isIdBatch(f.ids),
  receipt_ack: (f) => onlyKeys(f, RECEIPT_ACK_KEYS) && isUsername(f.by) && isIdBatch(f.ids),
  ping: (f) => onlyKeys(f, PING_KEYS),
};

/**
 * True when `raw` (a parsed JSON object whose `t` is `t`) is a hot frame that the client schema
 * accepts as it is; false means "ask the schema", never "refused".
 */
export function acceptsHot(t: string, raw: object): boolean {
  const check = Object.hasOwn(HOT, t) ? HOT[t] : undefined;
  return check !== undefined && check(raw as Raw);
}
