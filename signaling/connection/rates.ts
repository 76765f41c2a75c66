/**
 * A connection's rate limits: frames, bytes of text frames, envelopes stored for offline contacts,
 * and relayed file bytes. The byte buckets are made on first use: most connections never need them.
 */
import type { ServerLimits } from '../config';
import { TokenBucket } from '../rate-limiter';

/** Files tracked per connection for the per-file relay limit; the oldest is forgotten past this. */
const RELAY_FILES_TRACKED = 64;

export class ConnectionRates {
  readonly #frames: TokenBucket;
  /** Text-frame byte accounting (JSON frames: each is received, unmasked and parsed). */
  #text: TokenBucket | undefined;
  /** Stored-envelope accounting, made on the first message stored for an offline contact. */
  #stored: TokenBucket | undefined;
  /** Transient frames (typing), made on the first one. */
  #transient: TokenBucket | undefined;
  /** Account-state writes (block, unblock, remove_contact, unsend), made on the first one. */
  #state: TokenBucket | undefined;
  /** File relay accounting, made on the first chunk. */
  #relay: { bytes: TokenBucket; perFile: Map<string, number> } | undefined;

  constructor(private readonly limits: ServerLimits) {
    this.#frames = new TokenBucket(limits.rateFramesPerSec, limits.rateBurst);
  }

  frame(cost: number): boolean {
    return this.#frames.take(cost);
  }

  text(bytes: number): boolean {
    this.#text ??= new TokenBucket(this.limits.textBytesPerSec, this.limits.textBurstBytes);
    return this.#text.take(bytes);
  }

  stored(bytes: number): boolean {
    this.#stored ??= new TokenBucket(this.limits.offlineBytesPerSec, this.limits.offlineBurstBytes);
    return this.#stored.take(bytes);
  }

  transient(): boolean {
    this.#transient ??= new TokenBucket(this.limits.transientPerSec, this.limits.transientBurst);
    return this.#transient.take();
  }

  stateWrite(): boolean {
    this.#state ??= new TokenBucket(this.limits.stateWritesPerSec, this.limits.stateWritesBurst);
    return this.#state.take();
  }

  relay(fileId: string, bytes: number): 'ok' | 'rate' | 'size' {
    this.#relay ??= { bytes: new TokenBucket(this.limits.relayBytesPerSec, this.limits.relayBurstBytes), perFile: new Map() };
    const perFile = this.#relay.perFile;
    const total = (perFile.get(fileId) ?? 0) + bytes;
    if (total > this.limits.relayFileMaxBytes) return 'size';
    if (!this.#relay.bytes.take(bytes)) return 'rate';
    if (!perFile.has(fileId) && perFile.size >= RELAY_FILES_TRACKED) perFile.delete(perFile.keys().next().value!);
    perFile.set(fileId, total);
    return 'ok';
  }
}
