/**
 * Group receipts ("Message info", issue 12 item 4). Delivered is the member's `group_ack` cursor
 * the server keeps anyway; read is a cursor the member's device moves with `group_read` (only
 * while its user sends read receipts). Only a message's author may ask who has it, as WhatsApp
 * shows info only for one's own messages; the server checks that against its message index
 * (store/group-receipts.ts), since the log's entries go once every member has them.
 * PROTOCOL.md and SECURITY.md say what this tells the server: a seq per member, no time, no history.
 */
import { ProtocolError } from '../errors';
import type { Handler } from '../handlers/context';
import { requireGroup } from './handlers-lifecycle';

/** Never answered: an unknown message, a non-member or an own message change nothing. */
export const groupRead: Handler<'group_read'> = async (ctx, session, f) => {
  // Refused by the message's id, not the group's: a group-wide ref would read as the refusal of a commit in flight.
  ctx.groups.rate(session, 'receipts', f.id);
  const receipts = ctx.groups.store.groups.receipts;
  const entry = await receipts.message(f.group, f.id);
  if (!entry || entry.from === session.username) return;
  await receipts.markRead(f.group, session.username!, entry.seq);
};

export const groupReceipts: Handler<'group_receipts'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'receipts', f.id);
  await requireGroup(ctx, f.group);
  const me = session.username!;
  const store = ctx.groups.store.groups;
  if (!(await store.member(f.group, me))?.active) throw new ProtocolError('not_member', 'you are not a member of this group', f.id);
  const entry = await store.receipts.message(f.group, f.id);
  if (!entry) throw new ProtocolError('unknown_message', 'the server keeps no record of this message', f.id);
  if (entry.from !== me) throw new ProtocolError('not_author', 'only the author of a message sees who has it', f.id);
  const { seq } = entry;
  // Those added after the message cannot open it: not listed. A read implies delivered (a
  // device may report reading before its acknowledgement lands).
  const members = (await store.receipts.positions(f.group))
    .filter((p) => p.user !== me && p.joined < seq)
    .map((p) => ({ user: p.user, delivered: p.cursor >= seq || p.read >= seq, read: p.read >= seq }));
  session.send({ t: 'group_receipts', group: f.group, id: f.id, seq, members });
};
