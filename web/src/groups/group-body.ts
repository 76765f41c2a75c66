/**
 * The plaintext of a group's MLS application message (README "Decisions"): UTF-8 JSON
 * `{"v":1,"id":<message id>,"ts":<sender ms>,"body":<Body>}` for a message, or
 * `{"v":1,"id","ts","card":{"name","topic?"}}` for the group's name and topic. The id is sealed
 * with the rest so the server, which sees the frame's id in clear, cannot relabel a message (a
 * reply, a reaction or a delete names its target by id; review M8): a reader refuses an entry
 * whose frame id differs. A member chooses what it encrypts, so what is read is bounded
 * and checked with zod; anything this version does not take (a newer kind, a malformed body) reads
 * as unsupported, never as a throw. Groups take text and replies (either naming @mentions), and
 * the 1:1 modifiers: reaction, edit, delete for everyone (their author rule is the body modules':
 * in a group `from` is the MLS sender, checked against the target's author, mentions.ts beside).
 */
import { z } from 'zod';
import { type Body, DISAPPEARING_TIMERS, Delete, Disappearing, Edit, FileOffer, MAX_TIMESTAMP_MS, Reaction, Reply, expiresIn } from '../../../shared/envelope';
import { Username } from '../../../shared/protocol';
import { GROUP_LIMITS } from '../../../shared/limits';
import { LIMITS } from '../../../shared/limits';
import type { ReceivedBody } from '../conversations/bodies/registry';

/** The most members one message may @mention (more are not read: the message reads as unsupported). */
export const MAX_MENTIONS = 20;

/** The usernames a text or reply @mentions (the receiver keeps only current members named in the text). */
const Mentions = z.array(Username).min(1).max(MAX_MENTIONS).optional();

/** `scheduledFor`: the sender scheduled it for this time (conversations/scheduled.ts); the server posted it then. */
const ScheduledFor = z.number().int().min(0).max(MAX_TIMESTAMP_MS).optional();
/** `expiresIn`: a disappearing message's timer, as in 1:1 (conversations/disappearing.ts); the reader honors it. */
const GroupText = z.object({ kind: z.literal('text'), text: z.string().min(1).max(LIMITS.maxTextChars), mentions: Mentions, scheduledFor: ScheduledFor, expiresIn });
const GroupReply = Reply.extend({ mentions: Mentions });

/** Bodies a group message may carry in this version. */
const GroupBody = z.discriminatedUnion('kind', [
  GroupText,
  GroupReply,
  Reaction,
  Edit,
  Delete,
  // A file (issue 12 item 6): the 1:1 offer, always `stored` (every member fetches the group's one copy; files/group-sends.ts).
  FileOffer,
  // The group's disappearing-messages timer: applied and shown only when its sender is an owner or admin (group-log.ts).
  Disappearing,
]);
export type GroupBody = z.infer<typeof GroupBody>;

// biome-ignore lint/suspicious/noControlCharactersInRegex: a name shown to every member carries no control characters
const CardText = (max: number) => z.string().max(max).regex(/^[^\u0000-\u001f\u007f]*$/);
/**
 * The group's disappearing-messages setting as the card's sender holds it (its notice's time and
 * author, so the later setting still wins everywhere): a member added after the notice reads the
 * card that follows their Add, not the notice, and learns the timer from it.
 */
const CardTimer = z.object({ seconds: z.union(DISAPPEARING_TIMERS.map((s) => z.literal(s))), ts: z.number().int().min(0).max(MAX_TIMESTAMP_MS), by: Username });
const Card = z.object({ name: CardText(GROUP_LIMITS.maxGroupNameChars), topic: CardText(GROUP_LIMITS.maxGroupTopicChars).optional(), timer: CardTimer.optional() });
export type GroupCard = z.infer<typeof Card>;

const Plain = z.object({
  v: z.literal(1),
  id: z.string().min(1).max(64),
  ts: z.number().int().min(0).max(MAX_TIMESTAMP_MS),
  body: z.looseObject({ kind: z.string().min(1).max(64) }).optional(),
  card: z.unknown().optional(),
});

/** The largest plaintext read at all (a text body of LIMITS.maxTextChars in UTF-8, with room for its quote). */
export const MAX_GROUP_PLAINTEXT_BYTES = 48 * 1024;

/** `id`: the sealed message id, absent only when the plaintext could not be read at all. */
export type GroupPlain = { kind: 'body'; id?: string; ts: number; body: ReceivedBody } | { kind: 'card'; id: string; ts: number; card: GroupCard };

const encoder = new TextEncoder();

export function encodeBody(body: GroupBody | Body, ts: number, id: string): string {
  return JSON.stringify({ v: 1, id, ts, body });
}

export function encodeCard(card: GroupCard, ts: number, id: string): string {
  const timer = card.timer ? { timer: { seconds: card.timer.seconds, ts: card.timer.ts, by: card.timer.by } } : {};
  return JSON.stringify({ v: 1, id, ts, card: { name: card.name, ...(card.topic ? { topic: card.topic } : {}), ...timer } });
}

export const plaintextBytes = (json: string): Uint8Array => encoder.encode(json);

const unsupported = (sentKind: string, ts: number, id?: string): GroupPlain => ({ kind: 'body', ...(id ? { id } : {}), ts, body: { kind: 'unsupported', sentKind } });

/** Reads a decrypted plaintext; `now` is the time shown for one whose own time cannot be read. */
export function decodePlain(bytes: Uint8Array, now = Date.now()): GroupPlain {
  if (bytes.length > MAX_GROUP_PLAINTEXT_BYTES) return unsupported('too_large', now);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return unsupported('malformed', now);
  }
  const plain = Plain.safeParse(json);
  if (!plain.success) return unsupported('malformed', now);
  const { id, ts, body, card } = plain.data;
  if (card !== undefined && body === undefined) {
    const parsed = Card.safeParse(card);
    return parsed.success ? { kind: 'card', id, ts, card: parsed.data } : unsupported('card', ts, id);
  }
  if (!body) return unsupported('malformed', ts, id);
  const parsed = GroupBody.safeParse(body);
  return parsed.success ? { kind: 'body', id, ts, body: parsed.data } : unsupported(body.kind, ts, id);
}
