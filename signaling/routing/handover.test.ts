/**
 * The hand-over of a user's offline queue when the store is out of reach for a moment (Redis
 * restarting): the connection reads its queue again once the store answers, and the client is
 * never told that something failed.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { ProtocolError } from '../errors';
import { Session } from '../session';
import type { Store } from '../store/store';
import type { QueuedItem } from '../store/queue';
import { LOOPBACK_LIMITS } from '../test-support/server-process';
import { Handover, REREAD_MS } from './handover';

/** A socket that only records what the session sends on it. */
function recordingSocket(sent: unknown[]) {
  return { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (data: string) => void sent.push(JSON.parse(data)) };
}

describe('the offline queue hand-over', () => {
  it('reads the queue again, less often each time, while the store is unavailable, and hands it over without an error; one warning per outage', async () => {
    const item: QueuedItem = { kind: 'msg', peer: 'alice', id: 'm1', env: 'sealed', ts: 1, cursor: '1' };
    let reads = 0;
    const queue = {
      page: async (_user: string, after: string | undefined) => {
        reads++;
        if (reads <= 3) throw new ProtocolError('unavailable', 'the server cannot reach its store for a moment; try again');
        return after === undefined ? [item] : [];
      },
      remove: async () => undefined,
    };
    const logged: string[] = [];
    const log = pino({ level: 'warn', hooks: { logMethod: (args) => void logged.push(String(args.at(-1))) } }, { write: () => {} });
    const handover = new Handover({ queue } as unknown as Store, log, 1 << 20);
    const sent: { t: string; code?: string; id?: string }[] = [];
    const limits = loadConfig({ ...LOOPBACK_LIMITS, PORT: '0', DATA_DIR: '/tmp', WEB_DIR: '/tmp' }).limits;
    const session = new Session(1, recordingSocket(sent) as never, limits);
    session.username = 'bob';
    session.welcomed = true;

    handover.begin(session);
    const started = Date.now();
    handover.refill(session);
    await expect.poll(() => sent.map((f) => f.t), { timeout: REREAD_MS * 16 }).toEqual(['deliver']);
    expect(sent[0]).toMatchObject({ t: 'deliver', id: 'm1', from: 'alice' });
    expect(reads).toBe(5); // three refused, the page with m1, and the empty page that ends the hand-over
    // Waits of 250, 500 and 1,000 ms: backing off, not reading four times a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(REREAD_MS * 7 - 50);
    expect(logged).toEqual(['the offline queue is out of reach; reading it again soon']);
  });
});
