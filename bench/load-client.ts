/**
 * Load client for the relay benchmark, run as its own process (one per target) and driven by
 * bench/run.ts over IPC. It holds `pairs` sender→receiver connection pairs and runs either
 *  - throughput: a closed loop with `window` messages in flight per pair (saturating), or
 *  - latency: an open loop at a fixed total `rate`, measuring send→receive time.
 *
 * The same code drives both targets. The only differences are the framing each one needs:
 * on the Parley server the accounts are registered and made contacts first, and the complete
 * reliable-delivery exchange runs (deliver → batched ack → delivered → batched receipt_ack);
 * the bare forwarder just hands the `send` frame itself to the receiver.
 *
 * Each message id carries its send time (µs, base36) so the receiver needs no lookup to time it.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { type ClientFrame, decodeClientFrame, encodeFrame } from '../shared/protocol';
import { loadSodium } from '../shared/sodium';
import { serveRpc } from './ipc';
import { WriteCoalescer } from '../signaling/write-coalescer';
import { befriend, mapLimit, opened, openSocket, originFor, register, tcpSocketOf } from './parley-client';
import { type LatencySummary, summarizeLatency } from './stats';

export type Target = 'full' | 'bare';
export interface SetupArgs {
  target: Target;
  port: number;
  /** Where the receivers connect (cluster bench: another node of the same cluster); default `port`. */
  receiverPort?: number;
  pairs: number;
  envChars: number;
}
export type StartArgs = { mode: 'throughput'; window: number } | { mode: 'latency'; rate: number };
export interface MarkResult {
  /** performance.now() of the mark, ms. */
  t: number;
  received: number;
  sent: number;
  /** This process's CPU time so far, seconds. */
  cpu: number;
  /** Latencies recorded since the previous mark (latency mode only). */
  latency: LatencySummary | undefined;
}
export interface StopResult {
  undelivered: number;
  errors: Record<string, number>;
}

/**
 * A client acks once its storage commit is done: modelled as this long after the first
 * unacknowledged item arrived. Per pair, not one global tick, so that 500 clients do not all ack
 * in the same millisecond (which would make bursts no real population of clients makes).
 */
const ACK_DELAY_MS = 10;
const MAX_BATCH = 256;

class Pair {
  outstanding = 0;
  seq = 0;
  acks: string[] = [];
  /** When the receiver's pending acks go out (performance.now() ms). */
  ackAt = 0;
  receipts: string[] = [];
  receiptAt = 0;
  readonly senderSocket: Socket;
  constructor(
    readonly sender: WebSocket,
    readonly receiver: WebSocket,
    readonly senderName: string,
    readonly receiverName: string,
    /** Everything of the send frame before the id, and after it: the hot path only concatenates. */
    readonly framePrefix: string,
    readonly frameSuffix: string,
    readonly idPrefix: string,
  ) {
    this.senderSocket = tcpSocketOf(sender);
  }
}

let target: Target = 'bare';
/** Receivers on another node of a cluster (SetupArgs.receiverPort). */
let cluster = false;
let pairs: Pair[] = [];
let mode: StartArgs['mode'] | undefined;
let received = 0;
let sent = 0;
let latenciesUs: number[] = [];
let errors: Record<string, number> = {};
/** Pairs with acks or receipts waiting for their commit delay. */
const pending = new Set<Pair>();
let pacer: NodeJS.Timeout | undefined;
// Flushed once per loop turn, as it always was: the client's figures must not move with the server's rule.
const coalescer = new WriteCoalescer('turn');

function sendOne(p: Pair): void {
  // Sends triggered by one read burst leave in one write, as the Parley server does it too.
  // Not for the paced sends of the latency runs: from a timer, the write would wait for the poll phase.
  if (mode === 'throughput') coalescer.hold(p.senderSocket);
  const id = `${p.idPrefix}${(p.seq++).toString(36)}_${Math.round(performance.now() * 1000).toString(36)}`;
  p.sender.send(p.framePrefix + id + p.frameSuffix);
  p.outstanding++;
  sent++;
}

/** A message reached its receiver (as `deliver` from Parley, as the forwarded `send` from bare). */
function arrived(p: Pair, id: string): void {
  received++;
  p.outstanding--;
  if (mode === 'latency') {
    const sentUs = parseInt(id.slice(id.lastIndexOf('_') + 1), 36);
    latenciesUs.push(performance.now() * 1000 - sentUs);
  } else if (mode === 'throughput') {
    sendOne(p); // keep the window full
  }
}

/** Anything but the expected traffic: error frames, other frames, socket errors and closes. */
function count(key: string): void {
  errors[key] = (errors[key] ?? 0) + 1;
}
const countFrame = (f: { t: string; code?: string }): void => count(f.t === 'error' ? `error:${f.code}` : `frame:${f.t}`);

function flushAcks(p: Pair): void {
  while (p.acks.length > 0) {
    p.receiver.send(encodeFrame({ t: 'ack', from: p.senderName, ids: p.acks.splice(0, MAX_BATCH) }));
  }
}

function flushReceipts(p: Pair): void {
  while (p.receipts.length > 0) {
    p.sender.send(encodeFrame({ t: 'receipt_ack', by: p.receiverName, ids: p.receipts.splice(0, MAX_BATCH) }));
  }
}

/** Sends what is due; called every millisecond. */
function flushDue(): void {
  const now = performance.now();
  for (const p of pending) {
    if (p.acks.length > 0 && now >= p.ackAt) flushAcks(p);
    if (p.receipts.length > 0 && now >= p.receiptAt) flushReceipts(p);
    if (p.acks.length === 0 && p.receipts.length === 0) pending.delete(p);
  }
}

function wire(p: Pair): void {
  p.receiver.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString()) as { t: string; id: string; code?: string };
    if (target === 'bare' ? f.t === 'send' : f.t === 'deliver') {
      arrived(p, f.id);
      if (target === 'full') {
        if (p.acks.length === 0) p.ackAt = performance.now() + ACK_DELAY_MS;
        p.acks.push(f.id);
        if (p.acks.length >= MAX_BATCH) flushAcks(p);
        else pending.add(p);
      }
    } else {
      countFrame(f);
    }
  });
  p.sender.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString()) as { t: string; ids: string[]; code?: string };
    if (f.t === 'delivered') {
      if (p.receipts.length === 0) p.receiptAt = performance.now() + ACK_DELAY_MS;
      for (const id of f.ids) p.receipts.push(id);
      if (p.receipts.length >= MAX_BATCH) flushReceipts(p);
      else pending.add(p);
    } else if (f.t !== 'stored' || !cluster) {
      // A cluster writes every message to the recipient's stream before handing it over, so its
      // sender hears `stored` first (one process hands a live message over from memory).
      countFrame(f);
    }
  });
}

async function setupFull(args: SetupArgs, env: string): Promise<Pair[]> {
  const sodium = await loadSodium();
  return mapLimit(
    Array.from({ length: args.pairs }, (_, i) => i),
    32,
    async (i) => {
      const [a, b] = await Promise.all([register(sodium, args.port, `snd${i}`), register(sodium, args.receiverPort ?? args.port, `rcv${i}`)]);
      await befriend(a, b);
      a.inbox.detach();
      b.inbox.detach();
      return makePair(i, a.ws, b.ws, a.username, b.username, env);
    },
  );
}

async function setupBare(args: SetupArgs, env: string): Promise<Pair[]> {
  const url = (me: string, to: string): string => `ws://127.0.0.1:${args.port}/?id=${me}&to=${to}`;
  return mapLimit(
    Array.from({ length: args.pairs }, (_, i) => i),
    32,
    async (i) => {
      const a = openSocket(url(`snd${i}`, `rcv${i}`), originFor(args.port));
      const b = openSocket(url(`rcv${i}`, `snd${i}`), originFor(args.port));
      await Promise.all([opened(a), opened(b)]);
      return makePair(i, a, b, `snd${i}`, `rcv${i}`, env);
    },
  );
}

function makePair(i: number, a: WebSocket, b: WebSocket, from: string, to: string, env: string): Pair {
  const sample: ClientFrame = { t: 'send', to, id: 'ID_MARKER', env };
  const [framePrefix, frameSuffix] = encodeFrame(sample).split('ID_MARKER') as [string, string];
  const p = new Pair(a, b, from, to, framePrefix, frameSuffix, `m${i.toString(36).padStart(4, '0')}x`);
  for (const ws of [a, b]) {
    ws.on('error', () => count('socket_error'));
    ws.on('close', () => count('socket_closed'));
  }
  wire(p);
  return p;
}

serveRpc({
  ready: () => true,
  setup: async (args: SetupArgs) => {
    const started = performance.now();
    target = args.target;
    cluster = args.receiverPort !== undefined;
    const env = randomBytes(Math.floor((args.envChars * 3) / 4)).toString('base64url');
    pairs = await (target === 'full' ? setupFull(args, env) : setupBare(args, env));
    // The frame the hot path sends must be one the server accepts.
    const probe = decodeClientFrame(pairs[0]!.framePrefix + 'm0000x0_abc' + pairs[0]!.frameSuffix);
    if (!probe.ok) throw new Error(`bench send frame is invalid: ${probe.message}`);
    setInterval(flushDue, 1);
    return { setupMs: performance.now() - started, envChars: env.length };
  },
  start: (args: StartArgs) => {
    mode = args.mode;
    errors = {};
    latenciesUs = [];
    if (args.mode === 'throughput') {
      for (const p of pairs) for (let w = 0; w < args.window; w++) sendOne(p);
      return true;
    }
    // Open loop: each 1 ms tick sends what the schedule says is due, round-robin over pairs.
    const begin = performance.now();
    let scheduled = 0;
    let next = 0;
    pacer = setInterval(() => {
      const due = Math.floor(((performance.now() - begin) / 1000) * args.rate);
      for (; scheduled < due; scheduled++) {
        sendOne(pairs[next]!);
        next = (next + 1) % pairs.length;
      }
    }, 1);
    return true;
  },
  mark: (): MarkResult => {
    const cpu = process.cpuUsage();
    const latency = mode === 'latency' ? summarizeLatency(latenciesUs) : undefined;
    latenciesUs = [];
    return { t: performance.now(), received, sent, cpu: (cpu.user + cpu.system) / 1e6, latency };
  },
  stop: async (): Promise<StopResult> => {
    mode = undefined;
    clearInterval(pacer);
    const deadline = performance.now() + 5000;
    const pending = (): number => pairs.reduce((n, p) => n + p.outstanding, 0);
    while (pending() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 5 * ACK_DELAY_MS)); // let the last acks and receipts settle
    return { undelivered: pending(), errors };
  },
});
