import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame } from '../../../shared/protocol';
import type { StoredMessage } from '../storage/db';
import { Asks } from './ask';
import { GroupReceipts, READ_EVERY_MS } from './group-receipts';

const message = (conv: string, id: string, seq: number, dir: 'in' | 'out' = 'in'): StoredMessage =>
  ({ conv, peer: 'bob', dir, id, seq, ts: seq, text: 'x', state: 'delivered' }) as StoredMessage;

function receipts(sendReadReceipts = true) {
  const sent: ClientFrame[] = [];
  const prefs = { sendReadReceipts };
  let now = 10_000;
  const send = (f: ClientFrame) => (sent.push(f), true);
  const r = new GroupReceipts({ send, preferences: prefs, asks: new Asks(send, 1000), now: () => now });
  return { r, sent, prefs, tick: (ms: number) => ((now += ms), vi.advanceTimersByTime(ms)) };
}

afterEach(() => vi.useRealTimers());

describe('GroupReceipts', () => {
  it('reports the newest message seen per group, at most once a second, only forward, never own or 1:1 messages', () => {
    vi.useFakeTimers();
    const { r, sent, tick } = receipts();
    r.seen([message('grp:G', 'm-1', 1), message('grp:G', 'm-3', 3), message('grp:G', 'm-2', 2), message('grp:G', 'm-own', 9, 'out'), message('dm:bob', 'd-1', 5)]);
    expect(sent).toEqual([{ t: 'group_read', group: 'G', id: 'm-3' }]);
    // Within the second: held, and only the newest goes when it is over.
    r.seen([message('grp:G', 'm-4', 4)]);
    r.seen([message('grp:G', 'm-5', 5)]);
    r.seen([message('grp:H', 'h-1', 1)]);
    expect(sent).toHaveLength(2);
    tick(READ_EVERY_MS);
    expect(sent.slice(2)).toEqual([{ t: 'group_read', group: 'G', id: 'm-5' }]);
    // Older than what was reported: nothing.
    tick(READ_EVERY_MS);
    r.seen([message('grp:G', 'm-2', 2)]);
    tick(READ_EVERY_MS);
    expect(sent).toHaveLength(3);
  });

  it('reports nothing with read receipts off, and then shows no reads in Message info', async () => {
    const { r, sent, prefs } = receipts(false);
    r.seen([message('grp:G', 'm-1', 1)]);
    expect(sent).toEqual([]);
    const asked = r.info('G', 'm-own');
    expect(sent).toEqual([{ t: 'group_receipts', group: 'G', id: 'm-own' }]);
    r.offer({ t: 'group_receipts', group: 'G', id: 'm-own', seq: 4, members: [{ user: 'bob', delivered: true, read: true }, { user: 'carol', delivered: false, read: false }] });
    expect(await asked).toEqual([{ user: 'bob', state: 'delivered' }, { user: 'carol', state: 'pending' }]);
    prefs.sendReadReceipts = true;
    const again = r.info('G', 'm-own');
    r.offer({ t: 'group_receipts', group: 'G', id: 'm-own', seq: 4, members: [{ user: 'bob', delivered: true, read: true }] });
    expect(await again).toEqual([{ user: 'bob', state: 'read' }]);
  });

  it('rejects Message info with the server’s refusal code', async () => {
    const { r } = receipts();
    const asked = r.info('G', 'm-other');
    r.offer({ t: 'error', code: 'not_author', message: 'only the author', ref: 'm-other' });
    await expect(asked).rejects.toMatchObject({ code: 'not_author' });
  });
});
