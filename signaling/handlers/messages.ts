/** Sealed messages, their acknowledgements and delivery receipts. The server never opens an envelope. */
import { ProtocolError } from '../errors';
import type { ClientFrameOf } from '../../shared/protocol';
import { chatReach, reach, requireChatReach, requireReach } from '../policy';
import type { Session } from '../session';
import type { ReceiptKind } from '../store/queue';
import type { Context, Handler } from './context';

/**
 * A message to a contact is decided in memory (policy.ts `reach`) and, when the recipient is live,
 * handed over synchronously: no promise per message (the relay's most frequent frame). Only a
 * non-contact (a member chat: a store read) or the offline queue (a commit) waits.
 */
export const send: Handler<'send'> = (ctx, session, f) => {
  if (reach(session, f.to) === 'not_contact') return requireChatReach(ctx.store.groups, session, f.to, f.id).then((r) => route(ctx, session, f, r));
  // The sender is the authenticated identity, whatever the client claims elsewhere.
  return route(ctx, session, f, requireReach(session, f.to, f.id));
};

function route(ctx: Context, session: Session, f: ClientFrameOf<'send'>, reached: 'ok' | 'unseen'): Promise<void> | void {
  if (reached === 'unseen') {
    // The recipient blocked the sender: answered as if they were offline, and dropped.
    session.send({ t: 'stored', id: f.id });
    return;
  }
  const from = session.username!;
  const ts = Date.now();
  // A disappearing message's queued copy goes when its timer would end (store/queue.ts messageItem).
  const msg = f.ttl === undefined ? { from, id: f.id, env: f.env, ts } : { from, id: f.id, env: f.env, ts, expiresAt: ts + f.ttl * 1000 };
  return ctx.router.message(msg, f.to, session);
}

/**
 * The recipient stored (`receipt`) or refused (`refusal`) messages from `from`. Only ids this
 * server handed to this user from that sender (live, or from the queue) settle, and only those
 * produce a receipt: an acknowledgement of anything else is ignored, so nobody can queue
 * receipts for messages they were never sent.
 */
function settle(ctx: Context, session: Session, from: string, ids: string[], kind: ReceiptKind): Promise<void> | void {
  const settled: string[] = [];
  const stored: string[] = [];
  // A repeated id settles nothing the second time (both maps have dropped it), so no de-duplication is needed.
  for (const id of ids) {
    // Both may hold it (a resend delivered live while the queued copy was handed over): one ack settles both.
    const live = session.settle(from, id);
    if (session.settleQueued('msg', from, id)) stored.push(id);
    else if (live) settled.push(id);
  }
  // The usual case, live messages from a contact, is answered synchronously (no promise per ack):
  // what it asks below of the store is never asked for a contact (chatReach of a contact is reach).
  const r = reach(session, from);
  if (stored.length > 0 || r === 'not_contact') return settleStored(ctx, session, from, settled, stored, kind);
  const told = settled.length > 0 && r === 'ok' ? ctx.router.receipt(session.username!, from, settled, kind) : undefined;
  if (told) return told.then(() => ctx.router.refill(session));
  ctx.router.refill(session);
}

/** {@link settle} where the store is involved: queued items to remove, or a peer that is not a contact. */
async function settleStored(ctx: Context, session: Session, from: string, settled: string[], stored: string[], kind: ReceiptKind): Promise<void> {
  const me = session.username!;
  // Only what was handed out settles, whoever sent it: a member chat's peer may have left the
  // group since (its message still settles). An acknowledgement that settles nothing is refused
  // as before to anyone this user may not reach.
  if (settled.length === 0 && stored.length === 0 && !session.contacts.has(from) && (await chatReach(ctx.store.groups, session, from)) === 'not_contact') {
    throw new ProtocolError('not_contact', `${from} is not your contact`, from);
  }
  if (stored.length > 0) await ctx.store.queue.remove(me, 'msg', from, stored);
  settled.push(...stored);
  // Settled either way; the receipt goes only where this user may reach (none across a block).
  if (settled.length > 0 && (await chatReach(ctx.store.groups, session, from)) === 'ok') await ctx.router.receipt(me, from, settled, kind);
  ctx.router.refill(session);
}

export const ack: Handler<'ack'> = (ctx, session, f) => settle(ctx, session, f.from, f.ids, 'receipt');

export const refuse: Handler<'refuse'> = (ctx, session, f) => settle(ctx, session, f.from, f.ids, 'refusal');

export const receiptAck: Handler<'receipt_ack'> = (ctx, session, f) => {
  const stored = { receipt: [] as string[], refusal: [] as string[] };
  for (const id of f.ids) {
    if (session.settleReceipt(f.by, id)) continue;
    const kind = session.settleQueued('receipts', f.by, id);
    if (kind === 'receipt' || kind === 'refusal') stored[kind].push(id);
  }
  // Receipts that came live settle in memory; only queued ones are deleted from the store.
  if (stored.receipt.length === 0 && stored.refusal.length === 0) {
    ctx.router.refill(session);
    return;
  }
  return removeReceipts(ctx, session, f.by, stored);
};

async function removeReceipts(ctx: Context, session: Session, by: string, stored: Record<'receipt' | 'refusal', string[]>): Promise<void> {
  for (const kind of ['receipt', 'refusal'] as const) {
    if (stored[kind].length > 0) await ctx.store.queue.remove(session.username!, kind, by, stored[kind]);
  }
  ctx.router.refill(session);
}
