/**
 * Receiving a body that changes several messages at once (a read receipt): each message it names
 * that is loaded, or stored by another tab of this profile, is changed; each that is not here yet
 * waits as a pending modifier of its own (pending.ts: bounded, and let go after a while), so a
 * receipt that overtook its message still applies when the message turns up.
 */
import type { ConversationId, StoredMessage } from '../storage/db';
import type { MarksModule, ModifierContext, ReceivedBody } from './bodies/registry';
import type { History } from './history';
import { type ReceiveTx, keepPending } from './pending';

type Tx = ReceiveTx;

export interface MarksArrival {
  conv: ConversationId;
  /** The envelope's own id. */
  id: string;
  body: ReceivedBody;
  ctx: ModifierContext;
}

/** Applies `a` within `tx`; returns the messages it changed (the shared copies, to show). */
export async function applyMarks(tx: Tx, module: MarksModule<ReceivedBody>, history: History, a: MarksArrival): Promise<StoredMessage[]> {
  const messages = tx.objectStore('messages');
  const changed: StoredMessage[] = [];
  for (const target of new Set(module.targets(a.body))) {
    const held = history.held(a.conv, 'out', target);
    const stored = held ?? (await messages.get([a.conv, 'out', target]));
    if (stored) {
      const message = history.adopt(stored);
      if (!module.apply(message, a.body, a.ctx)) continue;
      await messages.put(message);
      changed.push(message);
    } else {
      const body = module.one(a.body, target);
      const kept = await keepPending(tx, { conv: a.conv, target, id: a.id, from: a.ctx.from, ts: a.ctx.ts, body, kept: Date.now() });
      if (!kept) console.warn(`parley: dropped a ${a.body.kind} from ${a.ctx.from}: too many wait for their message`);
    }
  }
  return changed;
}
