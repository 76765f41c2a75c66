/**
 * What one node tells another through its inbox channel (`node:<id>`): a typed union, spelled
 * once, carried as one binary pub/sub message (a JSON header, then the relayed chunk's bytes for
 * a chunk). The cluster part only moves these; every node applies them to its own connections
 * with routing/arrive.ts exactly as the local router does. Pub/sub is at-most-once: nothing here
 * is the only copy of anything acknowledged (messages and receipts are in the recipient's stream;
 * a `poke` only says "read your stream").
 */
import { z } from 'zod';
import { FILE_ID_BYTES } from '../../../shared/file-chunks';
import type { ServerFrame } from '../../../shared/protocol';
import type { ReceiptKind } from '../../store/queue';
import type { Routed } from '../router';
import { type StreamEntry, entryOf } from './stream-entry';

/** The channel a node listens on. */
export const inboxChannel = (node: string): string => `node:${node}`;

/** A connection of a node: where a bounce goes back to. */
const Origin = z.object({ node: z.string(), session: z.number().int() });
export type Origin = z.infer<typeof Origin>;

const Notice = z.object({ t: z.literal('notice'), frame: z.record(z.string(), z.unknown()) });
const Change = z.object({
  t: z.literal('change'),
  change: z.object({ t: z.enum(['contact', 'blocked_by']), peer: z.string(), on: z.boolean() }),
});
const Signal = z.object({ t: z.literal('signal'), from: z.string(), data: z.string() });
const Chunk = z.object({ t: z.literal('chunk'), from: z.string() });
const Transient = z.object({ t: z.literal('transient'), from: z.string(), id: z.string(), env: z.string() });

/** `[seq, kind, peer, id, ts, env]` (stream-writer.ts). */
const Entry = z.tuple([z.number().int().positive(), z.enum(['msg', 'receipt', 'refusal']), z.string(), z.string(), z.string(), z.string()]);

const Header = z.discriminatedUnion('t', [
  /** `user`'s stream has something new: hand it over. */
  z.object({ t: z.literal('poke'), user: z.string() }),
  /**
   * `by` acknowledged (or refused) messages `ids` from `user`, who is held there: handed to their
   * connection live, as on one node (the node stores them in the user's stream if it no longer holds them).
   */
  z.object({ t: z.literal('receipts'), user: z.string(), by: z.string(), kind: z.enum(['receipt', 'refusal']), ids: z.array(z.string()).min(1) }),
  /** Entries just appended to `user`'s stream, as written (the stream-writer script publishes these itself). */
  z.object({ t: z.literal('entries'), user: z.string(), items: z.array(Entry).min(1) }),
  /** A routed item for `user` (a chunk's bytes follow the header). */
  z.object({ t: z.literal('routed'), user: z.string(), origin: Origin, routed: z.discriminatedUnion('t', [Notice, Change, Signal, Chunk, Transient]) }),
  /** `username` came online or went away: tell these of its contacts held here. */
  z.object({ t: z.literal('presence'), username: z.string(), online: z.boolean(), to: z.array(z.string()) }),
  /** `user` logged in on another node: close connection `session` of theirs here with `replaced`. */
  z.object({ t: z.literal('replace'), user: z.string(), session: z.number().int() }),
  /** A volatile item could not be handed over: the error its sender gets, for connection `session` of `user`. */
  z.object({ t: z.literal('bounce'), user: z.string(), session: z.number().int(), code: z.enum(['peer_offline', 'recipient_busy']), ref: z.string(), message: z.string() }),
]);

export type InboxMessage =
  | { t: 'poke'; user: string }
  | { t: 'entries'; user: string; entries: StreamEntry[] }
  | { t: 'receipts'; user: string; by: string; kind: ReceiptKind; ids: string[] }
  | { t: 'routed'; user: string; origin: Origin; routed: Routed }
  | { t: 'presence'; username: string; online: boolean; to: string[] }
  | { t: 'replace'; user: string; session: number }
  | { t: 'bounce'; user: string; session: number; code: 'peer_offline' | 'recipient_busy'; ref: string; message: string };

/** `[u32 header length][header JSON][chunk bytes]`. */
export function encodeInbox(message: InboxMessage): Buffer {
  let payload: Uint8Array | undefined;
  let header: unknown = message;
  if (message.t === 'routed' && message.routed.t === 'chunk') {
    payload = message.routed.payload;
    header = { ...message, routed: { t: 'chunk', from: message.routed.from } };
  } else if (message.t === 'entries') {
    // As the stream-writer script spells them (this side only encodes them for tests).
    header = { t: 'entries', user: message.user, items: message.entries.map(({ seq, item }) => [seq, item.kind, item.peer, item.id, String(item.ts), item.kind === 'msg' ? item.env : '']) };
  }
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.allocUnsafe(4 + json.length + (payload?.length ?? 0));
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  if (payload) out.set(payload, 4 + json.length);
  return out;
}

/** Undefined for anything that is not a message of this module (never throws). */
export function decodeInbox(bytes: Buffer): InboxMessage | undefined {
  if (bytes.length < 4) return undefined;
  const length = bytes.readUInt32BE(0);
  if (4 + length > bytes.length) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = Header.safeParse(json);
  if (!parsed.success) return undefined;
  const header = parsed.data;
  if (header.t === 'entries') return { t: 'entries', user: header.user, entries: header.items.map(entryOf) };
  if (header.t !== 'routed') return header;
  const r = header.routed;
  // Frames were built and validated by the node that sent them; the notice is passed on as it came.
  const routed: Routed =
    r.t === 'chunk'
      ? { t: 'chunk', from: r.from, payload: new Uint8Array(bytes.subarray(4 + length)) }
      : r.t === 'notice'
        ? { t: 'notice', frame: r.frame as Extract<Routed, { t: 'notice' }>['frame'] }
        : r;
  return { ...header, routed };
}

/** Items worth nothing later, handed only to a welcomed connection (signals, chunks, typing); never an error in the log. */
export const isVolatile = (routed: Routed): routed is Extract<Routed, { t: 'signal' | 'chunk' | 'transient' }> => routed.t === 'signal' || routed.t === 'chunk' || routed.t === 'transient';

/**
 * The error a sender gets when its signal or chunk for `to` could not be handed over (`offline`
 * or `busy`): the same frames the handlers (signal.ts, relay-chunk.ts) answer on one node.
 */
export function refusalFor(routed: Routed, to: string, result: 'offline' | 'busy'): Extract<ServerFrame, { t: 'error' }> | undefined {
  if (routed.t !== 'signal' && routed.t !== 'chunk') return undefined;
  if (result === 'offline') return { t: 'error', code: 'peer_offline', message: `${to} is offline`, ref: to };
  if (routed.t === 'signal') return { t: 'error', code: 'recipient_busy', message: `${to} is not keeping up; signal again later`, ref: to };
  const fileId = Buffer.from(routed.payload.subarray(0, FILE_ID_BYTES)).toString('hex');
  return { t: 'error', code: 'recipient_busy', message: `${to} is not keeping up`, ref: fileId };
}
