/**
 * Server frames reach the services through one router: each service asks for the frame types it
 * handles (`on`), with the frame's type narrowed, instead of every service switching over every
 * frame. Frames are handled one at a time in arrival order, each handler awaited before the next
 * (storage is asynchronous, and a frame's handling may depend on the one before it: a message
 * from a contact just added). Work that is not a server frame but must keep its place in the same
 * line (an envelope that came on a direct channel) is queued with `enqueue`.
 */
import type { ServerFrame, ServerFrameOf } from '../../../shared/protocol';

export type FrameType = ServerFrame['t'];
export type FrameHandler<T extends FrameType> = (frame: ServerFrameOf<T>) => void | Promise<void>;

/** The face services subscribe through (the composition root holds the router itself). */
export interface FrameRoutes {
  /** Calls `handler` for every frame of `type`, after the handlers registered before it. */
  on<T extends FrameType>(type: T, handler: FrameHandler<T>): void;
  /** Runs `job` in the frames' line, after everything queued before it. */
  enqueue(what: string, job: () => void | Promise<void>): void;
}

export class FrameRouter implements FrameRoutes {
  readonly #handlers = new Map<FrameType, Array<(frame: ServerFrame) => void | Promise<void>>>();
  #line: Promise<void> = Promise.resolve();

  on<T extends FrameType>(type: T, handler: FrameHandler<T>): void {
    let list = this.#handlers.get(type);
    if (!list) this.#handlers.set(type, (list = []));
    list.push(handler as (frame: ServerFrame) => void | Promise<void>);
  }

  /** Queues `frame` for its handlers; a type nobody handles is dropped at once. */
  route(frame: ServerFrame): void {
    const handlers = this.#handlers.get(frame.t);
    if (!handlers) return;
    // Each handler fails alone: one service's fault must not keep the frame from the others.
    for (const handler of handlers) this.enqueue(frame.t, () => handler(frame));
  }

  enqueue(what: string, job: () => void | Promise<void>): void {
    this.#line = this.#line.then(async () => {
      try {
        await job();
      } catch (err) {
        console.error('parley: failed to handle', what, err);
      }
    });
  }

  /** Resolves once everything queued so far has been handled. */
  idle(): Promise<void> {
    return this.#line;
  }
}
