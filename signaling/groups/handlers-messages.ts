/** Groups: application messages into the log, and members' cursors. The server never opens a message. */
import { ProtocolError } from '../errors';
import type { Handler } from '../handlers/context';
import { groupSendRefusal } from '../policy';
import { requireGroup } from './handlers-lifecycle';
import { inspect } from './handlers-mls';
import { ENTRY_BYTES } from './service';

const REFUSAL = {
  not_member: 'you are not a member of this group',
  muted: 'you are muted in this group',
  admins_only: 'only owners and admins may send in this group',
} as const;

export const groupSend: Handler<'group_send'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'sends', f.id);
  const g = await requireGroup(ctx, f.group);
  const me = await ctx.groups.store.groups.member(f.group, session.username!);
  const refusal = groupSendRefusal(g, me, Date.now());
  if (refusal) throw new ProtocolError(refusal, REFUSAL[refusal], f.id);
  // ts-mls keeps a few past epochs' keys: a message sealed just before a commit still opens.
  if (f.epoch !== g.epoch && f.epoch !== g.epoch - 1) throw new ProtocolError('stale_epoch', `the group is at epoch ${g.epoch}`, f.id);
  // Only an application PrivateMessage of this group and epoch goes into the log as a message: a
  // commit sent this way would skip the server's ordering of epochs (review H4).
  const header = await inspect(() => ctx.groups.mls.message(f.env), f.id, 'the message');
  if (header.groupId !== f.group || header.epoch !== f.epoch || header.contentType !== 'application') {
    throw new ProtocolError('bad_mls', 'not an application message of this group and epoch', f.id);
  }
  ctx.groups.reserve(f.env.length + ENTRY_BYTES, f.id);
  const seq = await ctx.groups.append(f.group, { kind: 'message', from: me!.user, id: f.id, data: f.env, ts: Date.now() });
  session.send({ t: 'group_sent', group: f.group, id: f.id, seq });
};

export const groupAck: Handler<'group_ack'> = async (ctx, session, f) => {
  const store = ctx.groups.store.groups;
  // An ack from someone no longer in the group changes nothing and is not answered.
  if (!(await store.member(f.group, session.username!))?.active) return;
  await store.ack(f.group, session.username!, f.upTo);
  session.groupFeed?.acked(f.group, f.upTo);
};

/**
 * Typing in a group: to every other active member online now, if the typer may send there (not
 * muted, not a plain member where only admins send). Never answered, logged or stored, and under
 * the connection's transient rate (past it, dropped), like a 1:1 typing signal; a receiver who
 * blocked the typer gets nothing (routing/arrive.ts).
 */
export const groupTyping: Handler<'group_typing'> = async (ctx, session, f) => {
  if (!session.allowTransient()) return;
  const store = ctx.groups.store.groups;
  const g = await store.get(f.group);
  const me = session.username!;
  if (!g || groupSendRefusal(g, await store.member(f.group, me), Date.now())) return;
  const others = (await store.members(f.group)).filter((m) => m.active && m.user !== me);
  await Promise.all(others.map((m) => ctx.groups.tell(m.user, { t: 'group_typing', group: f.group, from: me })));
};
