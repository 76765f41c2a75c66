/**
 * The server's Prometheus metrics (prom-client), one registry per server. Labels are only ever
 * values from closed sets spelled in shared/protocol.ts (a frame's type, an error code): never a
 * username, an address or anything from a frame's content, so the metrics say how busy the server
 * is and never who talks to whom. Served at /metrics when METRICS=on (see metrics-http.ts).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServerFrame } from '../shared/protocol';

/** Counts read from the store when metrics are scraped (a backend provides them; see sqlite-gauges.ts). */
export interface StoreGauges {
  /** Items (messages, receipts) in every user's offline queue. */
  queueDepth(): Promise<number>;
  /** Bytes of sealed files kept for offline contacts. */
  storedFileBytes(): Promise<number>;
}

/** What the server counts live, read at scrape time. */
export interface LiveCounts {
  connections(): number;
  onlineUsers(): number;
}

/** The type label of a frame that arrived but was not decoded (over a rate or size, malformed). */
export const UNDECODED = 'undecoded';
/** The type label of a binary frame (a relayed or stored file chunk). */
export const BINARY = 'binary';

export class Metrics {
  readonly registry = new Registry();
  /**
   * Counted here per frame, and added to the prom-client counters when they are scraped: a
   * counter's inc() hashes its label object on every call, a cost per relayed frame for a
   * figure read every few seconds. Label values are from closed sets, so these maps stay small.
   */
  readonly #framesIn = new Map<string, number>();
  readonly #framesOut = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  readonly #relayBytes = new Map<string, number>();
  /**
   * Redis round-trip time in cluster mode, seconds: the cluster mode sets it (e.g. from a PING
   * every few seconds); a single process never does, and it then reads 0.
   */
  readonly redisRtt: Gauge;

  constructor(live: LiveCounts, store?: StoreGauges) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    const framesIn = this.#framesIn;
    const framesOut = this.#framesOut;
    const errors = this.#errors;
    const relayBytes = this.#relayBytes;
    new Counter({ name: 'parley_frames_in_total', help: 'Frames received from clients, by frame type', labelNames: ['type'], registers, collect: folded(framesIn, 'type') });
    new Counter({ name: 'parley_frames_out_total', help: 'Frames sent to clients, by frame type', labelNames: ['type'], registers, collect: folded(framesOut, 'type') });
    new Counter({ name: 'parley_errors_total', help: 'Error frames sent to clients, by error code', labelNames: ['code'], registers, collect: folded(errors, 'code') });
    new Counter({
      name: 'parley_relay_bytes_total',
      help: 'Bytes of binary (file chunk) frames, in from senders and out to recipients',
      labelNames: ['direction'],
      registers,
      collect: folded(relayBytes, 'direction'),
    });
    this.redisRtt = new Gauge({ name: 'parley_redis_rtt_seconds', help: 'Round-trip time of a Redis command (cluster mode only)', registers });
    new Gauge({ name: 'parley_connections', help: 'Open WebSocket connections', registers, collect: countWith(live.connections) });
    new Gauge({ name: 'parley_online_users', help: 'Logged-in users on this node', registers, collect: countWith(live.onlineUsers) });
    if (store) {
      new Gauge({ name: 'parley_offline_queue_items', help: 'Items in the offline queues of all users', registers, collect: readWith(() => store.queueDepth()) });
      new Gauge({ name: 'parley_stored_file_bytes', help: 'Bytes of files kept for offline contacts', registers, collect: readWith(() => store.storedFileBytes()) });
    }
  }

  frameIn(type: string): void {
    add(this.#framesIn, type, 1);
  }

  frameOut(frame: ServerFrame): void {
    add(this.#framesOut, frame.t, 1);
    if (frame.t === 'error') add(this.#errors, frame.code, 1);
  }

  relayed(direction: 'in' | 'out', bytes: number): void {
    add(this.#relayBytes, direction, bytes);
  }

  /** The exposition text and its content type. */
  async expose(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

function add(tally: Map<string, number>, label: string, n: number): void {
  tally.set(label, (tally.get(label) ?? 0) + n);
}

/** At scrape time: what was counted since the last scrape goes into the counter, by label. */
function folded<L extends string>(tally: Map<string, number>, label: L) {
  return function (this: Counter<L>) {
    for (const [value, n] of tally) if (n > 0) this.inc({ [label]: value } as Partial<Record<L, string>>, n);
    tally.clear();
  };
}

function countWith(read: () => number) {
  return function (this: Gauge) {
    this.set(read());
  };
}

/** A store that does not answer leaves the gauge at its last value rather than failing the whole scrape. */
function readWith(read: () => Promise<number>) {
  return async function (this: Gauge) {
    try {
      this.set(await read());
    } catch {
      // the health check reports a store that does not answer
    }
  };
}
