/**
 * Disappearing messages in a group's log on Redis (redis-groups.ts): an entry with its own end
 * (`x`, ms) keeps its place in the stream, so the log's seqs, trims and acks are untouched; its
 * seq is also kept in the group's `ends` set by that end, and the group in a global index by its
 * soonest one, so the sweep finds due entries without reading the stream. A page never hands over
 * an entry past its end, swept or not.
 */
import type { LogEntry } from '../groups';
import { dropEndedScript } from './group-scripts';
import { groupKeys as k } from './redis-group-keys';
import type { ScriptRunner } from './redis-script';

type Command = <T>(args: string[]) => Promise<T>;

/** A hash reply or stream fields as an object. */
function fields(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

export class RedisGroupEnds {
  constructor(
    private readonly cmd: Command,
    private readonly scripts: ScriptRunner,
    private readonly now: () => number,
  ) {}

  /** The sweep index learns group `id` has an entry ending at `at` (kept if it knows a sooner one). */
  async noted(id: string, at: number): Promise<void> {
    await this.cmd(['ZADD', k.endsSweep, 'LT', String(at), id]);
  }

  async forget(id: string): Promise<void> {
    await this.cmd(['DEL', k.ends(id)]);
    await this.cmd(['ZREM', k.endsSweep, id]);
  }

  /**
   * Entries after `after`, at most `limit`, none past its end. Ended ones not swept yet are
   * skipped and the stream read on, so a page is short only at the log's end (the feed stops
   * reading at a short page).
   */
  async readLog(id: string, after: number, limit: number): Promise<LogEntry[]> {
    const now = this.now();
    const out: LogEntry[] = [];
    let from = `(${after}-0`;
    while (out.length < limit) {
      const want = limit - out.length;
      const batch = await this.cmd<[string, string[]][]>(['XRANGE', k.log(id), from, '+', 'COUNT', String(want)]);
      for (const [entryId, flat] of batch) {
        const f = fields(flat);
        const expiresAt = f.x ? Number(f.x) : undefined;
        if (expiresAt !== undefined && expiresAt <= now) continue;
        out.push({
          seq: Number(entryId.split('-')[0]),
          kind: f.k as LogEntry['kind'],
          from: f.f!,
          ...(f.i ? { id: f.i } : {}),
          data: f.d!,
          ts: Number(f.t),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        });
      }
      if (batch.length < want) break;
      from = `(${batch.at(-1)![0]}`;
    }
    return out;
  }

  /** Deletes up to about `limit` entries whose end has come, in groups that have some; how many. */
  async sweep(now: number, limit: number): Promise<number> {
    const due = await this.cmd<string[]>(['ZRANGE', k.endsSweep, '-inf', String(now), 'BYSCORE', 'LIMIT', '0', String(limit)]);
    let deleted = 0;
    for (const id of due) {
      if (deleted >= limit) break;
      const [n, next] = await this.scripts.run<[number, number]>(dropEndedScript, [k.log(id), k.ends(id)], [now, limit - deleted]);
      deleted += n;
      if (next < 0) await this.cmd(['ZREM', k.endsSweep, id]);
      else await this.cmd(['ZADD', k.endsSweep, String(next), id]);
      // An append between the script and this index write (another node) noted a sooner end that
      // the write just overwrote or removed: read the set again and keep its soonest.
      const [, soonest] = await this.cmd<string[]>(['ZRANGE', k.ends(id), '0', '0', 'WITHSCORES']);
      if (soonest !== undefined) await this.noted(id, Number(soonest));
    }
    return deleted;
  }
}
