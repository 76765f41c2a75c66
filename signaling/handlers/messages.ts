/** Sealed messages, their acknowledgements and delivery receipts. The server never opens an envelope. */
import { ProtocolError } from '../errors';
import { chatReach, requireChatReach } from '../policy';
import type { Session } from '../session';
import type { ReceiptKind } from '../store/queue';
import type { Context, Handler } from './context';

export const send: Handler<'send'> = async (ctx, session, f) => {
  const from = session.username!;
  // The sender is the authenticated identity, whatever the client claims elsewhere.
  // A contact, or a member chat (both in a group with memberChats on): policy.ts.
  if ((await requireChatReach(ctx.store.groups, session, f.to, f.id)) === 'unseen') {
    // The recipient blocked the sender: answered as if they were offline, and dropped.
    session.send({ t: 'stored', id: f.id });
    return;
  }
  const ts = Date.now();
  // A disappearing message's queued copy goes when its timer would end (store/queue.ts messageItem).
  const msg = f.ttl === undefined ? { from, id: f.id, env: f.env, ts } : { from, id: f.id, env: f.env, ts, expiresAt: ts + f.ttl * 1000 };
  await ctx.router.message(msg, f.to, session);
};

/**
 * The recipient stored (`receipt`) or refused (`refusal`) messages from `from`. Only ids this
 * server handed to this user from that sender (live, or from the queue) settle, and only those
 * produce a receipt: an acknowledgement of anything else is ignored, so nobody can queue
 * receipts for messages they were never sent.
 */
async function settle(ctx: Context, session: Session, from: string, ids: string[], kind: ReceiptKind): Promise<void> {
  const me = session.username!;
  const settled: string[] = [];
  const stored: string[] = [];
  for (const id of new Set(ids)) {
    // Both may hold it (a resend delivered live while the queued copy was handed over): one ack settles both.
    const live = session.settle(from, id);
    if (session.settleQueued('msg', from, id)) stored.push(id);
    else if (live) settled.push(id);
  }
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

export const receiptAck: Handler<'receipt_ack'> = async (ctx, session, f) => {
  const stored = { receipt: [] as string[], refusal: [] as string[] };
  for (const id of f.ids) {
    if (session.settleReceipt(f.by, id)) continue;
    const kind = session.settleQueued('receipts', f.by, id);
    if (kind === 'receipt' || kind === 'refusal') stored[kind].push(id);
  }
  for (const kind of ['receipt', 'refusal'] as const) {
    if (stored[kind].length > 0) await ctx.store.queue.remove(session.username!, kind, f.by, stored[kind]);
  }
  ctx.router.refill(session);
};
