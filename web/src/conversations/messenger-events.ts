/**
 * What the Messenger tells the rest of the app (events), and the shapes of what it hands out and
 * takes in beside messages (a held file offer, a handler of control bodies).
 */
import type { StoredMessage } from '../storage/db';
import type { ReceivedBody } from './bodies/registry';
import type { ConversationId } from './conversation-id';

/**
 * Fired with the conversation whose messages changed, and the message that did when there is
 * one (the shared copy: a log showing it re-renders it; a new one it may append).
 */
export class ConversationEvent extends Event {
  constructor(
    readonly conv: ConversationId,
    readonly message?: StoredMessage,
    /** The message is gone from this device (deleted for me): a log showing it drops it. */
    readonly removed = false,
  ) {
    super('conversation');
  }
}

/** Fired ('arrived') with each new message a contact sent, once it is stored. */
export class ArrivedEvent extends Event {
  constructor(readonly message: StoredMessage) {
    super('arrived');
  }
}

/** Handles a body about its sender (profile, typing); awaited before the envelope is acknowledged. */
export type ControlHandler = (from: string, body: ReceivedBody, ts: number) => void | Promise<void>;

/** A sealed offer recorded and shown, not yet sent (see HeldOffers). */
export interface HeldOffer {
  readonly id: string;
  /** Seals and sends it now. */
  release(): Promise<void>;
  /** It will never go: shown failed, with `code` as the reason when given. */
  fail(code?: string): Promise<void>;
}
