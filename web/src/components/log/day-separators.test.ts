// The words of the log's day separators and how messages group, at fixed local times.
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../storage/db';
import { GROUP_GAP_MS, dayLabel, daysAgo, logRows } from './day-separators';

const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const now = at(2026, 12, 2, 9, 30); // a Wednesday

const msg = (id: string, ts: number, dir: 'in' | 'out' = 'in'): StoredMessage => ({ conv: 'dm:bob', peer: 'bob', dir, id, seq: ts, ts, text: id, state: 'delivered' });

describe('day labels', () => {
  it('says Today and Yesterday by calendar day, not by 24 hours', () => {
    expect(dayLabel(at(2026, 12, 2, 0, 1), now)).toBe('Today');
    expect(dayLabel(at(2026, 12, 1, 23, 59), now)).toBe('Yesterday');
    expect(dayLabel(at(2026, 12, 1, 0, 0), now)).toBe('Yesterday');
    expect(daysAgo(at(2026, 12, 3), now)).toBe(0); // a clock ahead of ours
    expect(dayLabel(at(2026, 12, 3), now)).toBe('Today');
  });

  it('names the days of the last week by weekday, older ones by date, with the year when another', () => {
    const weekday = (ts: number) => new Intl.DateTimeFormat(undefined, { weekday: 'long' }).format(ts);
    expect(dayLabel(at(2026, 11, 30), now)).toBe(weekday(at(2026, 11, 30)));
    expect(dayLabel(at(2026, 11, 26), now)).toBe(weekday(at(2026, 11, 26)));
    const older = dayLabel(at(2026, 11, 25), now);
    expect(older).not.toBe(weekday(at(2026, 11, 25)));
    expect(older).toContain('25');
    expect(dayLabel(at(2025, 6, 14), now)).toContain('2025');
    expect(dayLabel(at(2026, 6, 14), now)).not.toContain('2026');
  });
});

describe('log rows', () => {
  it('puts a separator before the first message and at each change of day', () => {
    const rows = logRows([msg('a', at(2026, 11, 30, 10)), msg('b', at(2026, 12, 1, 8)), msg('c', at(2026, 12, 1, 9)), msg('d', at(2026, 12, 2, 8))], now);
    expect(rows.map((r) => (r.kind === 'day' ? `[${r.label}]` : r.key))).toEqual([
      `[${dayLabel(at(2026, 11, 30), now)}]`, 'in:a', '[Yesterday]', 'in:b', 'in:c', '[Today]', 'in:d',
    ]);
  });

  it('groups an author’s messages within a few minutes of each other, and no one else’s', () => {
    const t0 = at(2026, 12, 2, 8);
    const rows = logRows([msg('a', t0), msg('b', t0 + 60_000), msg('c', t0 + 60_000 + GROUP_GAP_MS), msg('d', t0 + 60_000 + GROUP_GAP_MS + 1000, 'out'), msg('e', t0 + 60_000 + GROUP_GAP_MS + 2000, 'out')], now);
    expect(rows.flatMap((r) => (r.kind === 'message' ? [`${r.message.id}${r.grouped ? '+' : ''}`] : []))).toEqual(['a', 'b+', 'c', 'd', 'e+']);
  });
});
