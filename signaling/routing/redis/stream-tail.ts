/**
 * Hands entries just appended to a user's stream (stream-writer.ts) straight to their connection
 * here, without reading the stream back. Only when nothing can be between them and what the
 * connection was handed last: the stream's seqs have no holes, so the first entry must be the
 * seq after the connection's cursor, the hand-over must be idle (not reading, nothing read and
 * waiting) and the window must have room. Anything else (a publish lost while this node's
 * subscription was down, a hand-over under way, a full window, a sender blocked meanwhile) is
 * left to the stream read (Handover), which finds the same entries in order; the caller wakes it.
 */
import { admits } from '../../policy';
import type { Session } from '../../session';
import { cursorSeq, seqCursor } from '../../store/redis/redis-queue';
import { RECEIPT_FRAME } from '../arrive';
import { RECEIPT_BYTES } from '../handover';
import type { StreamEntry } from './stream-entry';

/** True if `entries` were handed to `session`; false if the stream must be read instead. */
export function handTail(session: Session, entries: readonly StreamEntry[], windowBytes: number): boolean {
  const queue = session.queue;
  if (entries.length === 0 || session.closed || !session.welcomed) return false;
  if (queue.draining || queue.reading || queue.page.length > 0 || queue.after === undefined) return false;
  if (cursorSeq(queue.after) + 1 !== entries[0]!.seq) return false;
  let bytes = 0;
  for (const { item } of entries) {
    if (!admits(session, item.peer)) return false;
    bytes += item.kind === 'msg' ? item.env.length : RECEIPT_BYTES;
  }
  if (session.queuedBytes > 0 && session.queuedBytes + bytes > windowBytes) return false;
  // Receipts of one peer and kind side by side go in one frame (the stream keeps one entry each).
  let receipts: { by: string; kind: 'receipt' | 'refusal'; ids: string[] } | undefined;
  const flush = () => {
    if (receipts) session.send({ t: RECEIPT_FRAME[receipts.kind], by: receipts.by, ids: receipts.ids });
    receipts = undefined;
  };
  for (const { seq, item } of entries) {
    queue.after = seqCursor(seq);
    session.handedOver(item, item.kind === 'msg' ? item.env.length : RECEIPT_BYTES);
    if (item.kind === 'msg') {
      flush();
      session.send({ t: 'deliver', from: item.peer, id: item.id, env: item.env, ts: item.ts });
    } else if (receipts && receipts.by === item.peer && receipts.kind === item.kind) {
      receipts.ids.push(item.id);
    } else {
      flush();
      receipts = { by: item.peer, kind: item.kind, ids: [item.id] };
    }
  }
  flush();
  return true;
}
