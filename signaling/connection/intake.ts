/**
 * A frame's way in. What costs no storage is checked the moment the frame arrives, in ws's
 * 'message' event (size, the frame and byte rates, JSON structure, the schema): the rates count
 * what the client sends, however long the server takes to handle it. What is left is a task that
 * the connection's serial queue runs in its turn: the handler, or the refusal's error frame, so a
 * connection's answers come in the order of its frames.
 */
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { type ClientFrame, type ServerFrame, decodeClientFrame } from '../../shared/protocol';
import type { ConnectionLimits } from '../config';
import { ProtocolError } from '../errors';
import type { Context } from '../handlers/context';
import { UNAUTHENTICATED, handlers } from '../handlers/index';
import { relayChunk } from '../handlers/relay-chunk';
import type { Session } from '../session';
import { withinJsonBudget } from './frame-guard';
import { BINARY, type Metrics, UNDECODED } from '../metrics';

/** Ids in one frame that cost one frame of the rate limit. */
const IDS_PER_FRAME = 16;

/** A frame's work, run in its turn; `now` marks a refusal that needs nothing but to be answered. */
export type FrameTask = (() => Promise<void> | void) & { now?: true };

type Refusal = Extract<ServerFrame, { t: 'error' }>;
const refusal = (code: Refusal['code'], message: string): Refusal => ({ t: 'error', code, message });

export function createIntake(
  ctx: Context,
  bounds: ConnectionLimits,
  log: Logger,
  /** Counts frames in by type (metrics.ts), when metrics are on. */
  counts?: Pick<Metrics, 'frameIn' | 'relayed'>,
): (session: Session, data: RawData, isBinary: boolean) => FrameTask {
  const limits = ctx.limits;

  /**
   * Runs `work` and turns what it throws into an error frame: nothing a handler throws reaches the
   * event loop. Synchronous work stays synchronous (no promise per frame); a promise is caught.
   */
  function guarded(session: Session, isBinary: boolean, work: () => Promise<void> | void): Promise<void> | void {
    if (session.closed) return;
    try {
      const result = work();
      if (result) return result.then(undefined, (err: unknown) => fail(session, isBinary, err));
    } catch (err) {
      fail(session, isBinary, err);
    }
  }

  function fail(session: Session, isBinary: boolean, err: unknown): void {
    if (err instanceof ProtocolError) {
      // A sender over its byte rate is pushed back by TCP rather than read and refused chunk by chunk.
      if (isBinary && err.code === 'relay_limit') session.holdReading();
      session.send({ t: 'error', code: err.code, message: err.message, ...(err.ref ? { ref: err.ref } : {}) });
    } else {
      log.error({ session: session.id, err }, 'handler failed');
      session.send({ t: 'error', code: 'internal', message: 'internal error' });
    }
  }

  const answer = (session: Session, frame: Refusal): FrameTask => Object.assign(() => session.send(frame), { now: true as const });

  function check(session: Session, data: RawData): Refusal | ClientFrame {
    if (!session.allowFrame()) return refusal('rate_limited', 'too many frames; slow down');
    const size = frameBytes(data);
    if (size > limits.maxFrameBytes) return refusal('too_large', `frames are limited to ${limits.maxFrameBytes} bytes`);
    if (!session.allowText(size)) {
      session.holdReading();
      return refusal('rate_limited', 'too many bytes of frames; slow down');
    }
    const text = data.toString();
    // Size alone does not bound the parsing cost (nested arrays): a frame with more structure than
    // any Parley frame has is refused unparsed.
    if (!withinJsonBudget(text, bounds.maxFrameJsonTokens)) return refusal('bad_frame', `a frame has at most ${bounds.maxFrameJsonTokens} JSON tokens`);
    const decoded = decodeClientFrame(text);
    if (!decoded.ok) return refusal(decoded.code, decoded.message);
    const frame = decoded.frame;
    // A batch of ids is many frames' work (each id is checked and looked up): it costs one frame per 16 ids.
    if ('ids' in frame && frame.ids.length > IDS_PER_FRAME && !session.allowFrame(Math.ceil(frame.ids.length / IDS_PER_FRAME) - 1)) {
      return refusal('rate_limited', 'too many ids; slow down');
    }
    return frame;
  }

  return (session, data, isBinary) => {
    if (isBinary) {
      // File chunks are limited by bytes per second (in the handler), not frames per second.
      const bytes = toBytes(data);
      counts?.frameIn(BINARY);
      counts?.relayed('in', bytes.byteLength);
      if (bytes.byteLength > limits.maxFrameBytes) return answer(session, refusal('too_large', `frames are limited to ${limits.maxFrameBytes} bytes`));
      return () => guarded(session, true, () => relayChunk(ctx, session, bytes));
    }
    const frame = check(session, data);
    counts?.frameIn(frame.t === 'error' ? UNDECODED : frame.t);
    if (frame.t === 'error') return answer(session, frame);
    return () => handle(session, frame);
  };

  /** {@link guarded} for a text frame, spelled out: one closure per frame (the task) instead of two. */
  function handle(session: Session, frame: ClientFrame): Promise<void> | void {
    if (session.closed) return;
    try {
      // Whether the connection is logged in is known only in turn, after the frames before this one.
      if (!session.username && !UNAUTHENTICATED.has(frame.t)) throw new ProtocolError('auth_required', 'log in first', frame.t);
      const result = (handlers[frame.t] as (c: Context, s: Session, f: ClientFrame) => void | Promise<void>)(ctx, session, frame);
      if (result) return result.then(undefined, (err: unknown) => fail(session, false, err));
    } catch (err) {
      fail(session, false, err);
    }
  }
}

/** A frame's size in bytes, whatever form ws hands it over in. */
export function frameBytes(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
}

/** ws hands binary data over as one Buffer unless told otherwise; accept every form it may take. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
