/**
 * A member away past the log's bounds (review M1): once a commit they had not read is dropped by
 * the count bound, their MLS state can never reach the group's epoch. At their next login the
 * server says so (`group_removed` reason `lapsed`) instead of handing over a log with a hole,
 * and logs `left` so the owner's device commits the Remove of their leaf. Someone who missed only
 * messages is not put out.
 */
import { describe, expect, it } from 'vitest';
import { update } from '../../shared/groups';
import type { ServerFrameOf } from '../../shared/protocol';
import { makeContacts } from '../test-support/client';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

describe('a member behind a commit the log no longer holds', () => {
  const h = useServer({ env: { GROUP_LOG_MAX_ENTRIES: '4' } });
  const pins: Pins = new Map();
  const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);

  it('is told it lapsed at login and is out (the owner hears `left`); one behind only messages reads on', async () => {
    const owner = await member('owner');
    const away = await member('away');
    const quiet = await member('quiet');
    for (const m of [away, quiet]) await makeContacts(owner.client, m.client);
    const group = await owner.create();
    await owner.addUsers(group, [away.name, quiet.name]);
    await away.joinFromWelcome(group);
    await quiet.joinFromWelcome(group);
    const awayId = away.client.identity!;
    const quietId = quiet.client.identity!;
    await quiet.client.close();

    // Quiet misses five messages only: the count bound drops one of them.
    for (let i = 0; i < 5; i++) expect(await owner.send(group, `only a message ${i}`)).toMatchObject({ t: 'group_sent' });
    const back = await h.login(quietId);
    const list = await back.next('group_list');
    expect(list.groups.map((g) => g.group)).toEqual([group]);
    const first = await back.next((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.group === group);
    expect(first.kind).toBe('message');
    expect(back.received.some((f) => f.t === 'group_removed')).toBe(false);

    // Away also misses a commit, which five more entries push out of the log.
    await away.client.close();
    const up = await update(owner.groups.get(group)!);
    expect(await owner.commit(group, up.group, up.commit)).toMatchObject({ t: 'group_committed' });
    for (let i = 0; i < 5; i++) expect(await owner.send(group, `after the commit ${i}`)).toMatchObject({ t: 'group_sent' });
    const late = await h.login(awayId);
    expect(await late.next('group_removed')).toEqual({ t: 'group_removed', group, reason: 'lapsed' });
    expect(late.received.some((f) => f.t === 'group_log' && f.group === group)).toBe(false);
    const left = await owner.client.next((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.event?.t === 'left');
    expect(left.event).toEqual({ t: 'left', user: away.name });
    // Out for the server too: a send is refused.
    late.send({ t: 'group_send', group, epoch: 2, id: 'late-message', env: 'AAAAAAAA' });
    expect((await late.nextError('not_member')).ref).toBe('late-message');
  });
});
