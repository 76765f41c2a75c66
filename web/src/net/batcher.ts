/**
 * Answers owed to the server or to contacts, batched: ids queued during one turn of the event loop
 * go out as one call per kind and peer, each id once, at most LIMITS.maxAckBatch ids a call (the
 * protocol's batch limit), instead of one frame per message.
 */
import { LIMITS } from '../../../shared/limits';

export class Batcher<K extends string> {
  readonly #queued = new Map<K, Map<string, Set<string>>>();
  #scheduled = false;

  constructor(private readonly send: (kind: K, peer: string, ids: string[]) => void) {}

  queue(kind: K, peer: string, ids: readonly string[]): void {
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
        for (let i = 0; i < ids.length; i += LIMITS.maxAckBatch) this.send(kind, peer, ids.slice(i, i + LIMITS.maxAckBatch));
      }
    }
  }
}
