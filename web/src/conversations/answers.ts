/**
 * What this device owes the senders of what it received, batched: acknowledgements and refusals
 * of envelopes (to the server for the relay, on the channel for the direct path) and
 * acknowledgements of receipts. One frame per kind and peer per turn of the event loop, at most
 * LIMITS.maxAckBatch ids each.
 */
import { LIMITS } from '../../../shared/limits';
import type { Links } from '../peer/links';
import type { Connection } from '../net/connection';

/**
 * `ack`/`refuse`: envelopes that came through the server; `directAck`/`directRefuse`: envelopes
 * that came on the direct channel; `receiptAck`: receipts (delivered or refused) from the server.
 */
export type AnswerKind = 'ack' | 'refuse' | 'directAck' | 'directRefuse' | 'receiptAck';

export class Answers {
  readonly #queued = new Map<AnswerKind, Map<string, Set<string>>>();
  #scheduled = false;

  constructor(private readonly to: { connection: Pick<Connection, 'send'>; links: Pick<Links, 'get'> }) {}

  queue(kind: AnswerKind, peer: string, ids: readonly string[]): void {
    let byPeer = this.#queued.get(kind);
    if (!byPeer) this.#queued.set(kind, (byPeer = new Map()));
    let set = byPeer.get(peer);
    if (!set) byPeer.set(peer, (set = new Set()));
    for (const id of ids) set.add(id);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => this.#flush(), 0);
  }

  #flush(): void {
    this.#scheduled = false;
    const queued = [...this.#queued];
    this.#queued.clear();
    for (const [kind, byPeer] of queued) {
      for (const [peer, set] of byPeer) {
        const ids = [...set];
        for (let i = 0; i < ids.length; i += LIMITS.maxAckBatch) this.#send(kind, peer, ids.slice(i, i + LIMITS.maxAckBatch));
      }
    }
  }

  #send(kind: AnswerKind, peer: string, ids: string[]): void {
    const { connection, links } = this.to;
    switch (kind) {
      case 'ack':
        connection.send({ t: 'ack', from: peer, ids });
        return;
      case 'refuse':
        connection.send({ t: 'refuse', from: peer, ids });
        return;
      // If the channel is gone, the sender re-sends on the relay and the answer follows there.
      case 'directAck':
        links.get(peer).ackDirect(ids);
        return;
      case 'directRefuse':
        links.get(peer).refuseDirect(ids);
        return;
      case 'receiptAck':
        connection.send({ t: 'receipt_ack', by: peer, ids });
        return;
    }
  }
}
