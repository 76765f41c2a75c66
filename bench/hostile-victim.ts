/**
 * The victim of a flood logs in, as the Parley client would: it acknowledges what it is handed
 * (`ack` for messages, `receipt_ack` for receipts and refusals, at most 256 ids a frame and within
 * the frame rate) so the server hands over the rest, until nothing more comes. Its figures: how long
 * the login took, how big the welcome was, what followed, and whether the server cut it off.
 */
import type { WebSocket } from 'ws';
import { encodeFrame } from '../shared/protocol';
import type { Sodium } from '../shared/sodium';
import { type Keyed, Tally, closeSocket, errorCode, loginAt } from './hostile-net';
import { sleep } from './stats';

export interface VictimOptions {
  /** Give up on the login, and on the hand-over after it, after this long. */
  deadlineMs: number;
  /** The hand-over is over when nothing arrived for this long. */
  quietMs: number;
}

export interface VictimFigures {
  /** Connect → welcome, ms (NaN when the login failed). */
  welcomeMs: number;
  welcomeBytes: number;
  /** Pending incoming requests the welcome listed. */
  welcomeIncoming: number;
  /** Connect → the last frame of the hand-over, ms. */
  settledMs: number;
  /** Every byte received, the welcome included. */
  bytes: number;
  receipts: number;
  messages: number;
  /** Frames received, by type (errors by code). */
  frames: Record<string, number>;
  /** The server closed the connection during the hand-over, with this code. */
  cutWith?: number;
  /** The hand-over was still going at the deadline. */
  unfinished: boolean;
  /** Why the login failed. */
  failed?: string;
}

const FLUSH_EVERY_MS = 10;
/** 4 frames every 10 ms: 400 frames/s, under the documented 500. */
const FRAMES_PER_FLUSH = 4;
const MAX_BATCH = 256;

type Pending = Map<string, string[]>;

/** Sends what is owed, oldest peers first, at most FRAMES_PER_FLUSH frames. */
function flush(ws: WebSocket, acks: Pending, receiptAcks: Pending): boolean {
  let frames = 0;
  for (const [queue, frame] of [
    [acks, (peer: string, ids: string[]) => encodeFrame({ t: 'ack', from: peer, ids })],
    [receiptAcks, (peer: string, ids: string[]) => encodeFrame({ t: 'receipt_ack', by: peer, ids })],
  ] as const) {
    for (const [peer, ids] of queue) {
      while (ids.length > 0 && frames < FRAMES_PER_FLUSH) {
        ws.send(frame(peer, ids.splice(0, MAX_BATCH)));
        frames++;
      }
      if (ids.length === 0) queue.delete(peer);
    }
  }
  return acks.size + receiptAcks.size > 0;
}

const owe = (queue: Pending, peer: string, ids: string[]): void => {
  const list = queue.get(peer);
  if (list) list.push(...ids);
  else queue.set(peer, [...ids]);
};

export async function victimLogin(sodium: Sodium, port: number, keyed: Keyed, o: VictimOptions): Promise<VictimFigures> {
  const frames = new Tally();
  const acks: Pending = new Map();
  const receiptAcks: Pending = new Map();
  let bytes = 0;
  let receipts = 0;
  let messages = 0;
  let last = performance.now();
  const listen = (data: Buffer, isBinary: boolean): void => {
    bytes += data.length;
    last = performance.now();
    if (isBinary) return frames.add('binary frame');
    const f = JSON.parse(data.toString()) as { t: string; code?: string; by?: string; from?: string; id?: string; ids?: string[] };
    frames.add(f.t === 'error' ? `error ${f.code}` : f.t);
    if ((f.t === 'delivered' || f.t === 'refused') && f.by && f.ids) {
      receipts += f.ids.length;
      owe(receiptAcks, f.by, f.ids);
    } else if (f.t === 'deliver' && f.from && f.id) {
      messages++;
      owe(acks, f.from, [f.id]);
    }
  };
  const started = performance.now();
  let live;
  try {
    live = await loginAt(sodium, port, keyed, o.deadlineMs, listen);
  } catch (err) {
    const none = { welcomeMs: Number.NaN, welcomeBytes: 0, welcomeIncoming: 0, settledMs: Number.NaN };
    return { ...none, bytes, receipts, messages, frames: frames.counts, unfinished: false, failed: errorCode(err) };
  }
  live.inbox.detach();
  let cutWith: number | undefined;
  live.ws.once('close', (code) => (cutWith = code));
  const deadline = started + o.deadlineMs;
  for (;;) {
    const owing = flush(live.ws, acks, receiptAcks);
    const now = performance.now();
    if (cutWith !== undefined || now > deadline || (!owing && now - last > o.quietMs)) break;
    await sleep(FLUSH_EVERY_MS);
  }
  const cut = cutWith;
  const unfinished = cut === undefined && performance.now() > deadline;
  await closeSocket(live.ws);
  return {
    welcomeMs: live.ms,
    welcomeBytes: live.welcomeBytes,
    welcomeIncoming: live.welcome.incoming.length,
    settledMs: last - started,
    bytes,
    receipts,
    messages,
    frames: frames.counts,
    ...(cut !== undefined ? { cutWith: cut } : {}),
    unfinished,
  };
}
