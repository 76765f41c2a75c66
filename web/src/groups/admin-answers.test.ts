import { describe, expect, it } from 'vitest';
import type { ClientFrame, ServerFrame } from '../../../shared/protocol';
import { ParleyError } from '../net/parley-error';
import { AdminAnswers } from './admin-answers';
import type { GroupCore } from './core';

/** A core whose asks are settled by the test: `asks` holds each one's frame and its settle functions. */
function fakeCore() {
  const asks: Array<{ frame: ClientFrame; answer: (f: ServerFrame) => boolean; resolve: (f: unknown) => void; reject: (e: unknown) => void }> = [];
  const views = new Map<string, { removed?: string }>();
  const core = {
    me: 'me',
    view: (id: string) => views.get(id),
    ask: (frame: ClientFrame, answer: (f: ServerFrame) => boolean) => new Promise((resolve, reject) => asks.push({ frame, answer, resolve, reject })),
  } as unknown as GroupCore;
  return { core, asks, views };
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

describe('a leave or delete answered by its group_removed', () => {
  it('resolves on the group_removed of that group and reason, and not on another', async () => {
    const { core, asks } = fakeCore();
    const leaving = new AdminAnswers(core).removal('g', { t: 'group_leave', group: 'g' }, 'left');
    expect(asks[0]!.frame).toEqual({ t: 'group_leave', group: 'g' });
    const answer = asks[0]!.answer;
    expect(answer({ t: 'group_removed', group: 'g', reason: 'left' })).toBe(true);
    expect(answer({ t: 'group_removed', group: 'g', reason: 'deleted' })).toBe(false);
    expect(answer({ t: 'group_removed', group: 'other', reason: 'left' })).toBe(false);
    asks[0]!.resolve({ t: 'group_removed', group: 'g', reason: 'left' });
    await expect(leaving).resolves.toBeUndefined();
  });

  it('rejects with the frame’s own refusal', async () => {
    const { core, asks } = fakeCore();
    const leaving = new AdminAnswers(core).removal('g', { t: 'group_leave', group: 'g' }, 'left');
    asks[0]!.reject(new ParleyError('owner_must_transfer'));
    await expect(leaving).rejects.toMatchObject({ code: 'owner_must_transfer' });
  });

  it('a commit’s refusal about the group (another operation’s) does not fail it: the removal in the view settles it', async () => {
    const { core, asks, views } = fakeCore();
    let done = false;
    const deleting = new AdminAnswers(core).removal('g', { t: 'group_delete', group: 'g' }, 'deleted').then(() => (done = true));
    asks[0]!.reject(new ParleyError('stale_epoch'));
    await new Promise((r) => setTimeout(r, 120));
    expect(done).toBe(false);
    views.set('g', { removed: 'deleted' });
    await deleting;
    expect(done).toBe(true);
  });
});
