import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '../../../shared/protocol';
import { ParleyError } from '../net/parley-error';
import { AdminAnswers } from './admin-answers';
import type { GroupCore } from './core';

/** A core whose asks are settled by the test: `asks` holds each one's frame and its settle functions. */
function fakeCore(online = true) {
  const asks: Array<{ frame: ClientFrame; resolve: (f: unknown) => void; reject: (e: unknown) => void }> = [];
  const sent: ClientFrame[] = [];
  const core = {
    me: 'me',
    send: (f: ClientFrame) => (online ? (sent.push(f), true) : false),
    ask: (frame: ClientFrame) => new Promise((resolve, reject) => asks.push({ frame, resolve, reject })),
  } as unknown as GroupCore;
  return { core, asks, sent };
}

const muteOf = (user: string) => (e: { t: string; user?: string }) => e.t === 'mute' && e.user === user;
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('an admin frame answered by its log event', () => {
  it('resolves with the event core hands over, and not with another one', async () => {
    const { core } = fakeCore();
    const answers = new AdminAnswers(core);
    let done = false;
    const acting = answers.act('g', { t: 'group_mute', group: 'g', user: 'bob', until: null }, ['g', 'bob'], muteOf('bob')).then((e) => ((done = true), e));
    answers.applied('g', { t: 'mute', user: 'ann', until: null });
    answers.applied('other', { t: 'mute', user: 'bob', until: null });
    await settle();
    expect(done).toBe(false);
    answers.applied('g', { t: 'mute', user: 'bob', until: 5 });
    expect(await acting).toEqual({ t: 'mute', user: 'bob', until: 5 });
  });

  it('rejects with the refusal’s code', async () => {
    const { core, asks } = fakeCore();
    const acting = new AdminAnswers(core).act('g', { t: 'group_mute', group: 'g', user: 'olga', until: null }, ['g', 'olga'], muteOf('olga'));
    asks[0]!.reject(new ParleyError('not_owner'));
    await expect(acting).rejects.toMatchObject({ code: 'not_owner' });
  });

  it('a commit’s refusal about the same group (another operation’s) does not fail it: the event still settles it', async () => {
    const { core, asks } = fakeCore();
    const answers = new AdminAnswers(core);
    const acting = answers.act('g', { t: 'group_mute', group: 'g', user: 'bob', until: null }, ['g', 'bob'], muteOf('bob'));
    asks[0]!.reject(new ParleyError('stale_epoch'));
    await settle();
    answers.applied('g', { t: 'mute', user: 'bob', until: null });
    expect(await acting).toEqual({ t: 'mute', user: 'bob', until: null });
  });
});

describe('a frame settled behind a probe', () => {
  it('resolves when the probe about a random group is refused unknown_group, after the frame was sent', async () => {
    const { core, asks, sent } = fakeCore();
    const leaving = new AdminAnswers(core).handled({ t: 'group_leave', group: 'g' }, ['g']);
    expect(sent).toEqual([{ t: 'group_leave', group: 'g' }]);
    const probe = asks[0]!.frame as { t: string; group: string };
    expect(probe.t).toBe('group_info');
    expect(probe.group).not.toBe('g');
    expect(probe.group).toMatch(/^[A-Za-z0-9_-]{22}$/);
    asks[0]!.reject(new ParleyError('unknown_group'));
    await expect(leaving).resolves.toBeUndefined();
  });

  it('rejects with the frame’s own refusal, and offline when nothing could be sent', async () => {
    const { core, asks } = fakeCore();
    const leaving = new AdminAnswers(core).handled({ t: 'group_leave', group: 'g' }, ['g']);
    asks[0]!.reject(new ParleyError('owner_must_transfer'));
    await expect(leaving).rejects.toMatchObject({ code: 'owner_must_transfer' });
    await expect(new AdminAnswers(fakeCore(false).core).handled({ t: 'group_leave', group: 'g' }, ['g'])).rejects.toMatchObject({ code: 'offline' });
  });
});
