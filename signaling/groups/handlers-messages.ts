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
