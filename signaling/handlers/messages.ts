/** Sealed messages, their acknowledgements and delivery receipts. The server never opens an envelope. */
import { ProtocolError } from '../errors';
import type { Handler } from './context';

export const send: Handler<'send'> = (ctx, session, f) => {
  const from = session.username!;
  // The sender is the authenticated identity, whatever the client claims elsewhere.
  if (!session.contacts.has(f.to)) throw new ProtocolError('not_contact', `${f.to} is not your contact`, f.id);
  ctx.hub.route({ from, id: f.id, env: f.env, ts: Date.now() }, f.to, session);
};

export const ack: Handler<'ack'> = (ctx, session, f) => {
  const me = session.username!;
  if (!session.contacts.has(f.from)) throw new ProtocolError('not_contact', `${f.from} is not your contact`);
  const stored: string[] = [];
  for (const id of f.ids) {
    if (!session.settle(f.from, id) && session.settleQueued('msg', f.from, id)) stored.push(id);
  }
  if (stored.length > 0) ctx.store.remove(me, 'msg', f.from, stored);
  // Acks of duplicates still produce a receipt: the sender may have missed the first one.
  ctx.hub.receipt(me, f.from, f.ids);
  ctx.hub.refill(session);
};

export const receiptAck: Handler<'receipt_ack'> = (ctx, session, f) => {
  const stored: string[] = [];
  for (const id of f.ids) {
    if (!session.settleReceipt(f.by, id) && session.settleQueued('receipt', f.by, id)) stored.push(id);
  }
  if (stored.length > 0) ctx.store.remove(session.username!, 'receipt', f.by, stored);
  ctx.hub.refill(session);
};

/** Work in progress: a refusal settles like an ack (the full version queues a `refused` receipt). */
export const refuse: Handler<'refuse'> = (ctx, session, f) => ack(ctx, session, { t: 'ack', from: f.from, ids: f.ids });
