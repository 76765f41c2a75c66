/**
 * The one authorization point: may this connection's user reach that user? Every frame that
 * reaches another user asks here (send and its receipts, signal, relayed and stored file chunks,
 * file commit and fetch, contact requests and responses, presence), and the router asks again
 * where things arrive, so a change that is still travelling cannot let anything through.
 *
 * Reach is between accepted contacts only. A block is one user's, and hides both ways: once A
 * blocks B nothing from B reaches A, and A looks offline to B. B is never told: what B sends to A
 * is answered as if A were offline and then dropped (PROTOCOL.md, "Blocking"). A is told plainly
 * (`blocked`) when A tries to reach the user A blocked.
 */
import { ProtocolError } from './errors';
import type { Session } from './session';
import type { ContactStore } from './store/contacts';
import type { GroupRecord, GroupStore, MemberRecord } from './store/groups';

/**
 * `ok`: go ahead; `not_contact`: not an accepted contact; `blocking`: this user blocked the peer;
 * `unseen`: the peer blocked this user (answer as if the peer were offline, and drop).
 */
export type Reach = 'ok' | 'not_contact' | 'blocking' | 'unseen';

/** Whether `session`'s user may reach `peer`, a contact, with anything (messages, signals, files, receipts). */
export function reach(session: Session, peer: string): Reach {
  if (session.blocks.has(peer)) return 'blocking';
  if (!session.contacts.has(peer)) return 'not_contact';
  if (session.blockedBy.has(peer)) return 'unseen';
  return 'ok';
}

/** {@link reach}, with the refusals thrown: what is left is `ok` or `unseen`. */
export function requireReach(session: Session, peer: string, ref: string): 'ok' | 'unseen' {
  const r = reach(session, peer);
  if (r === 'not_contact') throw new ProtocolError('not_contact', `${peer} is not your contact`, ref);
  if (r === 'blocking') throw new ProtocolError('blocked', `you blocked ${peer}; unblock them first`, ref);
  return r;
}

/**
 * Whether `session`'s user may take back its own message queued for `peer` (`unsend`): any
 * contact, blocked or blocking. It changes only the user's own data and is never answered, so it
 * tells nobody anything.
 */
export function mayWithdraw(session: Session, peer: string): boolean {
  return session.contacts.has(peer);
}

// ---- member chats (issue 12, item 5) ----
/*
 * A temporary chat between two group members who are not contacts: sealed 1:1 envelopes, their
 * receipts, typing and unsend reach the other while both are active members of a group with
 * `memberChats` on and neither blocked the other; otherwise `not_contact`, as for any stranger.
 * Contacts stay the fast path ({@link reach}, synchronous); only a non-contact costs a store read,
 * asked again at every frame, so a leave, a removal or the setting turned off holds at the next
 * send. Signals (the direct path) and file chunks stay contacts-only (PROTOCOL.md "Member chats").
 */

/** Who may be asked whether two users share a member-chat group (the group store). */
export type ChatGroups = Pick<GroupStore, 'sharesChatGroup'>;

/** {@link reach}, where a non-contact who shares a member-chat group counts as reachable. */
export async function chatReach(groups: ChatGroups, session: Session, peer: string): Promise<Reach> {
  const r = reach(session, peer);
  if (r !== 'not_contact') return r;
  if (!(await groups.sharesChatGroup(session.username!, peer))) return 'not_contact';
  return session.blockedBy.has(peer) ? 'unseen' : 'ok';
}

/** {@link chatReach}, with the refusals thrown as {@link requireReach} throws them. */
export async function requireChatReach(groups: ChatGroups, session: Session, peer: string, ref: string): Promise<'ok' | 'unseen'> {
  const r = await chatReach(groups, session, peer);
  if (r === 'not_contact') throw new ProtocolError('not_contact', `${peer} is not your contact`, ref);
  if (r === 'blocking') throw new ProtocolError('blocked', `you blocked ${peer}; unblock them first`, ref);
  return r;
}

/** {@link mayWithdraw}, or a non-contact who shares a member-chat group. */
export async function mayWithdrawChat(groups: ChatGroups, session: Session, peer: string): Promise<boolean> {
  return mayWithdraw(session, peer) || (await groups.sharesChatGroup(session.username!, peer));
}

/** {@link mayForwardTransient} (typing), or a member chat neither side blocked. */
export async function mayForwardChatTransient(groups: ChatGroups, session: Session, peer: string): Promise<boolean> {
  return mayForwardTransient(session, peer) || (await chatReach(groups, session, peer)) === 'ok';
}

/** Whether `session`'s user may ask `peer` to be a contact (not a contact yet): refused when blocking, `unseen` when blocked. */
export function requestReach(session: Session, peer: string, ref: string): 'ok' | 'unseen' {
  if (session.blocks.has(peer)) throw new ProtocolError('blocked', `you blocked ${peer}; unblock them first`, ref);
  return session.blockedBy.has(peer) ? 'unseen' : 'ok';
}

/** Whether `session`'s user and `other` see each other's presence: contacts, and neither blocked the other. */
export function seesPresence(session: Session, other: string): boolean {
  return session.contacts.has(other) && !session.blocks.has(other) && !session.blockedBy.has(other);
}

/**
 * Where something from `from` arrives at `recipient`: dropped if either blocked the other. The
 * sender's side has already asked {@link reach}; this holds while a block is still on its way to
 * the sender's connection, and for what was queued before the block.
 */
export function admits(recipient: Session, from: string): boolean {
  return !recipient.blocks.has(from) && !recipient.blockedBy.has(from);
}

/** The requests `session`'s user is shown: none from users they blocked. */
export function visibleRequests(session: Session, from: readonly string[]): string[] {
  return from.filter((u) => !session.blocks.has(u));
}

/**
 * Whether a transient signal (typing) from `session`'s user may go to `peer`: only to a contact
 * neither side blocked. Anything else is dropped without a word (never answered, see
 * handlers/transient.ts), so a blocked sender learns nothing from it.
 */
export function mayForwardTransient(session: Session, peer: string): boolean {
  return reach(session, peer) === 'ok';
}

// ---- groups (issue 12) ----
/*
 * Who may do what in a group (research/groups.md §3.2), from the roles the server holds; the same
 * table lives in every member's MLS check, so a server that broke it could deny service but not
 * make members accept a change. Owner: everything. Admin: requests, adding, settings, and kick,
 * ban and mute of plain members (not of admins or the owner). Member: send (unless muted, or
 * only admins send), leave. Every group handler asks here before it changes anything.
 */

/** The user's membership, if active: anything else is `not_member` (a removed member is cut off). */
export function requireMember(member: MemberRecord | undefined, group: string): MemberRecord {
  if (!member?.active) throw new ProtocolError('not_member', 'you are not a member of this group', group);
  return member;
}

/** An owner or admin, or `not_admin`. */
export function requireAdmin(member: MemberRecord | undefined, group: string): MemberRecord {
  const m = requireMember(member, group);
  if (m.role === 'member') throw new ProtocolError('not_admin', 'only owners and admins may do that', group);
  return m;
}

/** The owner, or `not_owner` (`not_admin` for a plain member). */
export function requireOwner(member: MemberRecord | undefined, group: string): MemberRecord {
  const m = requireAdmin(member, group);
  if (m.role !== 'owner') throw new ProtocolError('not_owner', 'only the owner may do that', group);
  return m;
}

/** `actor` may kick, ban or mute `target`: the owner anyone but itself, an admin plain members only. */
export function requireOutranks(actor: MemberRecord, target: MemberRecord | undefined, group: string): void {
  if (target && target.user === actor.user) throw new ProtocolError('bad_frame', 'not on yourself (leave the group instead)', group);
  if (target && target.role !== 'member' && actor.role !== 'owner') {
    throw new ProtocolError('not_owner', 'only the owner may act on admins and the owner', group);
  }
}

/** Why `member` may not send to `group` now, or undefined when they may. */
export function groupSendRefusal(group: GroupRecord, member: MemberRecord | undefined, now: number): 'not_member' | 'muted' | 'admins_only' | undefined {
  if (!member?.active) return 'not_member';
  if (group.onlyAdminsSend && member.role === 'member') return 'admins_only';
  if (member.mutedUntil !== null && member.mutedUntil > now) return 'muted';
  return undefined;
}

// ---- scheduled messages (issue 13, item 3) ----

/** Who may be asked whether two users are contacts and whether a block stands between them. */
export type HeldReachStore = Pick<ContactStore, 'areContacts' | 'blocksOf'>;

/**
 * Whether a message `from` held for `to` may be delivered now, when no connection of `from` may
 * be there to ask: still contacts, and neither blocked the other since (else it is dropped, as a
 * blocked send is). Asked from the store at its time, as {@link reach} is asked at `schedule`.
 */
export async function mayDeliverHeld(contacts: HeldReachStore, from: string, to: string): Promise<boolean> {
  if (!(await contacts.areContacts(from, to))) return false;
  const [fromBlocks, toBlocks] = await Promise.all([contacts.blocksOf(from), contacts.blocksOf(to)]);
  return !fromBlocks.includes(to) && !toBlocks.includes(from);
}
