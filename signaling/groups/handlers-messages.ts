/** Groups: application messages into the log, and members' cursors. The server never opens a message. */
import { ProtocolError } from '../errors';
import type { Handler } from '../handlers/context';
import { groupSendRefusal } from '../policy';
import { inspect } from './handlers-mls';
import { ENTRY_BYTES, type GroupService } from './service';

const REFUSAL = {
  not_member: 'you are not a member of this group',
  muted: 'you are muted in this group',
  admins_only: 'only owners and admins may send in this group',
} as const;

/** An application message as `group_send` and a held (scheduled) group message carry it. */
export interface GroupMessage {
  group: string;
  epoch: number;
  id: string;
  env: string;
  /** A disappearing message's timer (seconds): its log entry ends that long after it is posted. */
  ttl?: number;
}

/**
 * How far behind the group's epoch a live message may be: ts-mls keeps a few past epochs' keys,
 * so a message sealed just before a commit still opens. A held one may lag further
 * (scheduling/group-held.ts).
 */
export const LIVE_EPOCH_LAG = 1;

/**
 * Whether `from` may post `m` to its group now, as `group_send` asks: a member (not muted, not a
 * plain member where only admins send), of an epoch at most `maxLag` behind the group's, and an
 * application PrivateMessage of that group and epoch. Throws the refusal (ref `m.id`; `m.group`
 * for `unknown_group`, as everywhere).
 */
export async function checkGroupMessage(groups: GroupService, from: string, m: GroupMessage, maxLag: number): Promise<void> {
  const g = await groups.store.groups.get(m.group);
  if (!g) throw new ProtocolError('unknown_group', 'no such group', m.group);
  const refusal = groupSendRefusal(g, await groups.store.groups.member(m.group, from), Date.now());
  if (refusal) throw new ProtocolError(refusal, REFUSAL[refusal], m.id);
  if (m.epoch > g.epoch || g.epoch - m.epoch > maxLag) throw new ProtocolError('stale_epoch', `the group is at epoch ${g.epoch}`, m.id);
  // Only an application message goes into the log as a message: a commit sent this way would
  // skip the server's ordering of epochs (review H4).
  const header = await inspect(() => groups.mls.message(m.env), m.id, 'the message');
  if (header.groupId !== m.group || header.epoch !== m.epoch || header.contentType !== 'application') {
    throw new ProtocolError('bad_mls', 'not an application message of this group and epoch', m.id);
  }
}

/**
 * Posts `m` from `from` into its group's log now, after {@link checkGroupMessage}: the one path of
 * a live `group_send` and of a held message at its time. Its seq.
 */
export async function postGroupMessage(groups: GroupService, from: string, m: GroupMessage, maxLag: number): Promise<number> {
  await checkGroupMessage(groups, from, m, maxLag);
  groups.reserve(m.env.length + ENTRY_BYTES, m.id);
  const ts = Date.now();
  // The log's own lifetime still bounds it (the age trim): the entry ends at the sooner of the two.
  const ends = m.ttl !== undefined ? { expiresAt: ts + m.ttl * 1000 } : {};
  return groups.append(m.group, { kind: 'message', from, id: m.id, data: m.env, ts, ...ends });
}

export const groupSend: Handler<'group_send'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'sends', f.id);
  const seq = await postGroupMessage(ctx.groups, session.username!, f, LIVE_EPOCH_LAG);
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
