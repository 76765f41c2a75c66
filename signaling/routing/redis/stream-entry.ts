/** An entry of a user's stream as the router handles it, and as it travels in an inbox message (stream-writer.ts writes them). */
import type { QueueItem } from '../../store/queue';

/** An entry of a user's stream: its seq (the stream's seqs have no holes) and what it holds. */
export interface StreamEntry {
  seq: number;
  item: QueueItem;
}

/** How an entry travels in an inbox message: `[seq, kind, peer, id, ts, env ('' for a receipt)]`. */
export type EntryTuple = [number, QueueItem['kind'], string, string, string, string];

export function entryOf([seq, kind, peer, id, ts, env]: EntryTuple): StreamEntry {
  const item: QueueItem = kind === 'msg' ? { kind, peer, id, env, ts: Number(ts) } : { kind, peer, id, ts: Number(ts) };
  return { seq, item };
}
