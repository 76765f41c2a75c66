/**
 * Sealing and opening transient signals (typing): the same envelope as a message (so the server
 * cannot read them), with a fresh id and no replay record: they are never stored, and one that
 * comes late or twice only shows "typing" for a moment. One older than TRANSIENT_MAX_AGE_MS by the
 * sender's clock is ignored, so a signal held back and replayed later shows nothing.
 */
import { type Body, openEnvelope, sealEnvelope } from '../../../shared/envelope';
import { publicKeyFromB64 } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import type { ReceivedBody } from './bodies/registry';
import type { PeerKeys } from './peer-keys';

/** A transient signal sealed longer ago than this (sender's clock, so allowing for skew) is ignored. */
export const TRANSIENT_MAX_AGE_MS = 60_000;

const NEVER_SEEN = { has: () => false };

export class TransientSeal {
  constructor(
    private readonly sodium: Sodium,
    private readonly account: Account,
    private readonly keys: PeerKeys,
  ) {}

  /** `body` sealed for `peer`, or undefined when `peer` cannot be sealed for now (unknown, or an unaccepted key change). */
  seal(peer: string, body: Body): { id: string; env: string } | undefined {
    const key = this.keys.keyOf(peer);
    const me = this.account.identity;
    if (!key || !me) return undefined;
    const id = crypto.randomUUID();
    const env = sealEnvelope(this.sodium, { from: me.username, to: peer, id }, body, me.secretKey, publicKeyFromB64(this.sodium, key));
    return { id, env };
  }

  /** What `from` sent, if it opens (and is fresh); undefined otherwise. */
  async open(from: string, id: string, env: string, now = Date.now()): Promise<ReceivedBody | undefined> {
    const key = this.keys.keyOf(from);
    const me = this.account.identity;
    if (!key || !me) return undefined;
    const opened = await openEnvelope(this.sodium, env, { from, to: me.username, id }, publicKeyFromB64(this.sodium, key), me.secretKey, NEVER_SEEN);
    if (!opened.ok || now - opened.value.ts > TRANSIENT_MAX_AGE_MS) return undefined;
    return opened.value.body;
  }
}
