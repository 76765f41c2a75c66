/**
 * What a node does with each message from its inbox channel (inbox.ts): it applies it to its own
 * connections exactly as the local router would, through arrive.ts, and sends a volatile item's
 * refusal back to its sender's node. It knows the router only through the few hooks below.
 */
import type { Logger } from 'pino';
import type { Session } from '../../session';
import type { ReceiptKind } from '../../store/queue';
import { arrive } from '../arrive';
import type { DeliverResult } from '../router';
import { type InboxMessage, decodeInbox, isVolatile, refusalFor } from './inbox';
import type { StreamEntry } from './stream-entry';

export interface InboxHooks {
  log: Logger;
  maxBufferedBytes: number;
  /** The user's claimed connection on this node. */
  local(user: string): Session | undefined;
  /** Reads the user's stream again on their connection here. */
  wake(user: string): void;
  /** Entries just appended to the user's stream: handed over as they are, or the stream is read. */
  entries(user: string, entries: StreamEntry[]): void;
  /** Receipts for the user's connection here (stored in their stream if there is none). */
  receipts(user: string, by: string, ids: string[], kind: ReceiptKind): void;
  /** Closes a connection whose user another login (elsewhere) now holds. */
  lost(session: Session): void;
  publish(node: string, message: InboxMessage): void;
}

export class InboxHandler {
  constructor(private readonly hooks: InboxHooks) {}

  /** Never throws: a message this node cannot apply is logged and dropped. */
  receive(bytes: Buffer): void {
    const m = decodeInbox(bytes);
    if (!m) {
      this.hooks.log.warn({ bytes: bytes.length }, 'dropped a malformed inbox message');
      return;
    }
    try {
      this.#apply(m);
    } catch (err) {
      this.hooks.log.error({ err, t: m.t }, 'applying an inbox message failed');
    }
  }

  #apply(m: InboxMessage): void {
    const { hooks } = this;
    switch (m.t) {
      case 'poke':
        return hooks.wake(m.user);
      case 'entries':
        return hooks.entries(m.user, m.entries);
      case 'receipts':
        return hooks.receipts(m.user, m.by, m.ids, m.kind);
      case 'routed':
        return this.#routed(m);
      case 'presence':
        for (const contact of m.to) {
          const s = hooks.local(contact);
          if (s) arrive(s, { t: 'notice', frame: { t: 'presence', username: m.username, online: m.online } }, hooks.maxBufferedBytes);
        }
        return;
      case 'replace': {
        const s = hooks.local(m.user);
        if (s && s.id === m.session) hooks.lost(s);
        return;
      }
      case 'bounce': {
        // Session 0: whichever connection of the user is here (the handlers name none).
        const s = hooks.local(m.user);
        if (s && (m.session === 0 || s.id === m.session)) s.send({ t: 'error', code: m.code, message: m.message, ref: m.ref });
        return;
      }
    }
  }

  /** Hands a routed item over; a signal or chunk that cannot be is refused to its sender, as on one node. */
  #routed(m: Extract<InboxMessage, { t: 'routed' }>): void {
    const session = this.hooks.local(m.user);
    const routed = m.routed;
    const volatile = isVolatile(routed);
    let result: DeliverResult = 'offline';
    if (session) result = volatile && !session.welcomed ? 'offline' : arrive(session, routed, this.hooks.maxBufferedBytes);
    if (result === 'sent' || !volatile) return;
    const refusal = refusalFor(routed, m.user, result);
    if (!refusal) return;
    this.hooks.publish(m.origin.node, {
      t: 'bounce',
      user: routed.from,
      session: m.origin.session,
      code: refusal.code as 'peer_offline' | 'recipient_busy',
      ref: refusal.ref!,
      message: refusal.message,
    });
  }
}
