/**
 * Asking the server something about a group and waiting for its answer (GroupCore.ask): the
 * first frame the caller's `answer` accepts resolves it; an error frame whose `ref` is one of the
 * caller's refs rejects it with a ParleyError of its code; no answer within ASK_TIMEOUT_MS (or
 * nothing sent, offline) rejects it `unavailable`. Answers are taken in the frame handlers, never
 * in a group's line, so a line waiting for one cannot block the frame that brings it.
 */
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { ParleyError } from '../net/parley-error';

export const ASK_TIMEOUT_MS = 15_000;

interface Waiter {
  answer: (f: ServerFrame) => boolean;
  refs: readonly string[];
  resolve: (f: ServerFrame) => void;
  reject: (e: ParleyError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Asks {
  readonly #waiters = new Set<Waiter>();

  constructor(
    private readonly send: (frame: ClientFrame) => boolean,
    private readonly timeoutMs = ASK_TIMEOUT_MS,
  ) {}

  ask<F extends ServerFrame>(frame: ClientFrame, answer: (f: ServerFrame) => f is F, refs: readonly string[]): Promise<F> {
    return new Promise<F>((resolve, reject) => {
      const waiter: Waiter = {
        answer,
        refs,
        resolve: resolve as (f: ServerFrame) => void,
        reject,
        timer: setTimeout(() => this.#end(waiter, new ParleyError('unavailable')), this.timeoutMs),
      };
      this.#waiters.add(waiter);
      if (!this.send(frame)) this.#end(waiter, new ParleyError('unavailable'));
    });
  }

  /** A frame from the server: every waiter it answers is settled (each frame may answer several). */
  offer(frame: ServerFrame): void {
    for (const w of [...this.#waiters]) {
      if (frame.t === 'error') {
        if (frame.ref !== undefined && w.refs.includes(frame.ref)) this.#end(w, ParleyError.fromFrame(frame as ServerFrameOf<'error'>));
      } else if (w.answer(frame)) {
        this.#end(w, undefined, frame);
      }
    }
  }

  /** The connection dropped: nothing asked will be answered on it. */
  dropAll(): void {
    for (const w of [...this.#waiters]) this.#end(w, new ParleyError('unavailable'));
  }

  #end(w: Waiter, error: ParleyError | undefined, frame?: ServerFrame): void {
    if (!this.#waiters.delete(w)) return;
    clearTimeout(w.timer);
    if (error) w.reject(error);
    else w.resolve(frame!);
  }
}
