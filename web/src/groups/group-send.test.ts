// A group message the server refuses `stale_epoch` is encrypted again and re-sent a few times;
// once those are spent it waits in the outbox for the next resend, and says why meanwhile.
import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '../../../shared/protocol';
import type { Messenger } from '../conversations/messenger';
import type { OutboxEntry, StoredMessage } from '../storage/db';
import { GroupSender, STALE_RESENDS } from './group-send';
import type { GroupStore } from './group-store';

describe('a group message refused stale_epoch', () => {
  it('is re-sent STALE_RESENDS times, then shows why it waits, still sending, and is not failed', async () => {
    const entry: OutboxEntry = { id: 'm-00000001', kind: 'group', conv: 'grp:g', to: 'g', env: 'plain', seq: 1 };
    const message = { conv: 'grp:g', peer: 'g', dir: 'out', id: entry.id, seq: 1, ts: 1, text: 'hi', state: 'sending' } as StoredMessage;
    const routes: string[] = [];
    const failed: string[] = [];
    const messenger = {
      routed: {
        job: (id: string) => (id === entry.id ? entry : undefined),
        update: async (_conv: string, _id: string, change: (m: StoredMessage) => boolean) => void change(message),
        fail: async (_conv: string, id: string) => void failed.push(id),
      },
    } as unknown as Messenger;
    // Each re-send goes through the group's line; here it only counts.
    const store = { run: async () => void routes.push(entry.id), get: () => undefined } as unknown as GroupStore;
    const sender = new GroupSender({ store, messenger, asks: {} as never, send: () => true });
    const stale = { t: 'error', code: 'stale_epoch', ref: entry.id } as ServerFrameOf<'error'>;
    for (let i = 0; i < STALE_RESENDS; i++) expect(await sender.refused(stale)).toBe(true);
    expect(message.error).toBeUndefined();
    await expect.poll(() => routes.length, { timeout: 5000 }).toBe(STALE_RESENDS);
    await sender.refused(stale);
    expect(message).toMatchObject({ state: 'sending', error: 'stale_epoch' });
    expect(failed).toEqual([]);
  });
});
