/**
 * Member chats (issue 12, item 5) on a real server, on SQLite and on Redis: two members of a
 * group with memberChats on who are not contacts may send each other sealed envelopes, their
 * receipts, typing and unsend; not when the group does not allow it, nor after one leaves or is
 * removed, nor across a block; signals (the direct path) stay contacts-only.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/identity';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

/** Long past a live delivery on loopback, even through Redis's pub/sub; spent only where nothing comes. */
const LIVE_MS = 1500;

interface Users {
  user(prefix: string): Promise<ParleyClient>;
}

function memberChatRules(name: string, useUsers: () => Users): void {
  describe(`member chats on ${name}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);
    /** The owner's group with `a` and `b` in it (contacts of the owner, not of each other). */
    const groupOf = async (owner: GroupMember, a: GroupMember, b: GroupMember, memberChats: boolean) => {
      await makeContacts(owner.client, a.client);
      await makeContacts(owner.client, b.client);
      const group = await owner.create();
      if (memberChats) await setMemberChats(owner, group, true);
      expect(await owner.addUsers(group, [a.name, b.name])).toMatchObject({ t: 'group_committed' });
      return group;
    };
    const setMemberChats = async (owner: GroupMember, group: string, on: boolean) => {
      owner.client.send({ t: 'group_settings', group, memberChats: on });
      await owner.client.next((f) => f.t === 'group_log' && f.group === group && f.event?.t === 'settings');
    };
    const id = (c: ParleyClient) => c.identity as Identity;
    /**
     * `from` sends `to` a text; how it was answered: the error frame, `sent` (it reached `to` live:
     * a `deliver` with its id came), or `stored` (no error, and it did not reach `to`). On Redis a
     * message reached live is also answered `stored` (the stream keeps it until acked), so what
     * tells the two apart is whether the recipient got it, not the sender's answer.
     */
    const send = async (from: ParleyClient, to: ParleyClient, text: string) => {
      const mid = randomUUID();
      from.sendText(id(to), mid, text);
      await from.roundTrip();
      const error = from.unread('error').find((e) => e.ref === mid);
      if (error) return { mid, answer: await from.nextError(error.code) };
      return { mid, answer: { t: (await reaches(to, mid)) ? 'sent' : 'stored' } };
    };

    /** Whether a `deliver` of `mid` reaches `to` (left unread) within LIVE_MS. */
    const reaches = async (to: ParleyClient, mid: string) => {
      for (const end = Date.now() + LIVE_MS; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
        if (to.unread('deliver').some((f) => f.id === mid)) return true;
      }
      return false;
    };

    it('lets two members who are not contacts chat both ways, with receipts, typing and unsend, while the group allows it', async () => {
      const [owner, ann, ben] = [await member('owner'), await member('ann'), await member('ben')];
      await groupOf(owner, ann, ben, true);
      const first = await send(ann.client, ben.client, 'hello from the group');
      expect(first.answer.t).toBe('sent');
      const got = await ben.client.next('deliver');
      expect(await ben.client.openText(got, id(ann.client))).toBe('hello from the group');
      ben.client.send({ t: 'ack', from: ann.name, ids: [first.mid] });
      expect(await ann.client.next('delivered')).toEqual({ t: 'delivered', by: ben.name, ids: [first.mid] });
      expect((await send(ben.client, ann.client, 'hi back')).answer.t).toBe('sent');
      expect(await ann.client.openText(await ann.client.next('deliver'), id(ben.client))).toBe('hi back');
      ann.client.send({ t: 'transient', to: ben.name, id: randomUUID(), env: 'typing' });
      expect(await ben.client.next('transient')).toMatchObject({ from: ann.name });
      ann.client.send({ t: 'unsend', to: ben.name, id: randomUUID() });
      await ann.client.roundTrip();
      expect(ann.client.unread('error')).toEqual([]);
      // The direct path stays contacts-only: a signal is refused.
      ann.client.send({ t: 'signal', to: ben.name, data: 'offer' });
      expect((await ann.client.nextError('not_contact')).ref).toBe(ben.name);
      // No presence between them.
      expect(ann.client.unread('presence').filter((p) => (p as { username?: string }).username === ben.name)).toEqual([]);
    });

    it('refuses with not_contact when the shared group does not allow member chats, once it is turned off, and after a leave or a removal', async () => {
      const [owner, ann, ben, cat] = [await member('owner'), await member('ann'), await member('ben'), await member('cat')];
      const quiet = await groupOf(owner, ann, ben, false);
      expect((await send(ann.client, ben.client, 'not allowed')).answer).toMatchObject({ t: 'error', code: 'not_contact' });
      await setMemberChats(owner, quiet, true);
      expect((await send(ann.client, ben.client, 'now allowed')).answer.t).toBe('sent');
      await setMemberChats(owner, quiet, false);
      expect((await send(ann.client, ben.client, 'off again')).answer).toMatchObject({ t: 'error', code: 'not_contact' });
      // A stranger who shares no group is refused as ever.
      expect((await send(cat.client, ben.client, 'who are you')).answer).toMatchObject({ t: 'error', code: 'not_contact' });

      await setMemberChats(owner, quiet, true);
      await makeContacts(owner.client, cat.client);
      expect(await owner.addUsers(quiet, [cat.name])).toMatchObject({ t: 'group_committed' });
      expect((await send(cat.client, ben.client, 'hi ben')).answer.t).toBe('sent');
      ben.client.send({ t: 'group_leave', group: quiet });
      await owner.client.next((f) => f.t === 'group_log' && f.event?.t === 'left');
      expect((await send(ann.client, ben.client, 'after the leave')).answer).toMatchObject({ t: 'error', code: 'not_contact' });
      expect((await send(ben.client, ann.client, 'me neither')).answer).toMatchObject({ t: 'error', code: 'not_contact' });
      expect((await send(ann.client, cat.client, 'still here')).answer.t).toBe('sent');
      expect(await owner.removeUsers(quiet, [cat.name])).toMatchObject({ t: 'group_committed' });
      expect((await send(ann.client, cat.client, 'after the removal')).answer).toMatchObject({ t: 'error', code: 'not_contact' });
    });

    it('lets blocks win over a shared group: the blocker is told blocked, the blocked one sees the peer as offline and nothing arrives', async () => {
      const [owner, ann, ben] = [await member('owner'), await member('ann'), await member('ben')];
      await groupOf(owner, ann, ben, true);
      ben.client.send({ t: 'block', username: ann.name });
      await ben.client.roundTrip();
      expect((await send(ben.client, ann.client, 'blocked you')).answer).toMatchObject({ t: 'error', code: 'blocked' });
      expect((await send(ann.client, ben.client, 'into the void')).answer.t).toBe('stored');
      ann.client.send({ t: 'transient', to: ben.name, id: randomUUID(), env: 'typing' });
      await ann.client.roundTrip();
      await ben.client.roundTrip();
      expect(ben.client.unread('deliver')).toEqual([]);
      expect(ben.client.unread('transient')).toEqual([]);
    });
  });
}

memberChatRules('SQLite', () => useServer());
memberChatRules('Redis', () => {
  const c = useCluster({ nodes: 1 });
  return { user: (prefix) => c.user(0, prefix) };
});
