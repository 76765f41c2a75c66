/**
 * Turns what this device says into sealed outbox jobs: a new message's record (draft) and the
 * envelope of any body for a trusted contact (or a group member in a member chat), sealed to
 * their identity key (peer-keys.ts).
 */
import { type Body, sealEnvelope } from '../../../shared/envelope';
import { publicKeyFromB64 } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import { ParleyError } from '../net/parley-error';
import type { OutboxEntry, OutboxKind, StoredMessage } from '../storage/db';
import { bodyModule } from './bodies/registry';
import { type ConversationId, dmId } from './conversation-id';
import type { PeerKeys } from './peer-keys';

/** Gives a new message (and its body, before it is sealed) the conversation's disappearing timer, if on (disappearing.ts). */
export type Stamp = (body: Body, message: StoredMessage) => void;

export class Sealer {
  /** Set by the disappearing messages (conversations/disappearing.ts). */
  stamp: Stamp | undefined;

  constructor(
    private readonly sodium: Sodium,
    private readonly account: Account,
    private readonly keys: PeerKeys,
    /** The next local sequence number (orders messages and jobs of this device). */
    readonly nextSeq: () => number,
  ) {}

  /** The record of a new message of `body` to `peer`, "sending"; throws `untrusted` for a peer whose key is not trusted. */
  draft(peer: string, body: Body): StoredMessage {
    if (!this.keys.keyOf(peer)) throw new ParleyError('untrusted');
    const module = bodyModule(body);
    if (module.role !== 'content') throw new Error(`${body.kind} is not a message`);
    const message: StoredMessage = { conv: dmId(peer), peer, dir: 'out', id: crypto.randomUUID(), seq: this.nextSeq(), ts: Date.now(), ...module.show(body), state: 'sending' };
    this.stamp?.(body, message);
    return message;
  }

  /** The outbox job that sends `message`, whose content is `body` (a disappearing one's timer is the server's `ttl` for it). */
  message(message: StoredMessage, body: Body): OutboxEntry {
    const entry = this.job(message.peer, message.conv, 'message', message.id, body, message.ts, message.seq);
    if (message.expiresIn) entry.ttl = message.expiresIn;
    return entry;
  }

  /** A job of `kind` carrying `body` to `peer` as envelope `id`, sealed at `ts`. */
  job(peer: string, conv: ConversationId, kind: OutboxKind, id: string, body: Body, ts: number, seq: number): OutboxEntry {
    const key = this.keys.keyOf(peer);
    if (!key) throw new ParleyError('untrusted');
    const me = this.account.identity!;
    const env = sealEnvelope(this.sodium, { from: me.username, to: peer, id }, body, me.secretKey, publicKeyFromB64(this.sodium, key), ts);
    return { id, kind, conv, to: peer, env, seq };
  }
}
