/**
 * How the admin part knows the server made a change: an admin frame's answer is its log event
 * (handed over by core through `applyEvent`; an unban of someone not banned is refused
 * `not_banned`); a leave's or delete's is the `group_removed` the server sends this user. Both
 * reject with the server's code when the frame is refused.
 */
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import type { GroupEvent } from '../../../shared/protocol-groups';
import { ParleyError } from '../net/parley-error';
import type { GroupCore } from './core';

/** Codes no admin frame is refused with (commits and claims are): such an error about the group is not the frame's. */
const NOT_ADMIN_FRAME_CODES: ReadonlySet<string> = new Set(['stale_epoch', 'bad_mls', 'no_key_package', 'already_member', 'group_full']);
const EVENT_WAIT_MS = 15_000;

/** `p`, or `unavailable` after `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ParleyError('unavailable')), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** An admin action waiting for its event in the log. */
interface Made {
  group: string;
  made: (e: GroupEvent) => boolean;
  done: (e: GroupEvent) => void;
}

export class AdminAnswers {
  readonly #made = new Set<Made>();

  constructor(private readonly core: GroupCore) {}

  /** An event of the group's log, as core hands it to the admin part: it settles the actions it answers. */
  applied(group: string, event: GroupEvent): void {
    for (const w of [...this.#made]) if (w.group === group && w.made(event)) w.done(event);
  }

  /**
   * Sends an admin frame the server answers only with its log event, which is the answer: it
   * exists only once the change is made, so a refusal (an error with one of `refs`, which rejects)
   * cannot be mistaken for it. The event is taken where core hands it over (`applyEvent`, in the
   * group's line, so the view shows it once this resolves), or as a frame if core's asks see the log.
   */
  async act(id: string, frame: ClientFrame, refs: readonly string[], made: (e: GroupEvent) => boolean): Promise<GroupEvent> {
    const me = this.core.me;
    const answer = (f: ServerFrame): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.group === id && f.kind === 'event' && f.from === me && f.event !== undefined && made(f.event);
    let waiter: Made | undefined;
    const applied = new Promise<GroupEvent>((done) => this.#made.add((waiter = { group: id, made, done })));
    const asked = this.core.ask(frame, answer, refs);
    // A commit's refusal about this group (another operation's) is not this frame's: wait for the event then.
    const own = asked.then(
      (entry) => entry.event!,
      (err: unknown) => {
        if (!(err instanceof ParleyError && NOT_ADMIN_FRAME_CODES.has(err.code))) throw err;
        return within(applied, EVENT_WAIT_MS);
      },
    );
    try {
      return await Promise.race([own, applied]);
    } finally {
      this.#made.delete(waiter!);
      // Settled by the event, the ask still waits for its answer until it times out: nobody needs that.
      own.catch(() => undefined);
    }
  }

  /**
   * Sends a leave or delete and settles on its answer, the `group_removed` (reason `left` or
   * `deleted`) the server sends this user once it is done; rejects with its refusal (an error about
   * the group). A commit's refusal about the group is another operation's: the removal is then
   * awaited in the view, where core marks it when the answer comes.
   */
  async removal(id: string, frame: ClientFrame, reason: 'left' | 'deleted'): Promise<void> {
    const answer = (f: ServerFrame): f is ServerFrameOf<'group_removed'> => f.t === 'group_removed' && f.group === id && f.reason === reason;
    try {
      await this.core.ask(frame, answer, [id]);
    } catch (err) {
      if (!(err instanceof ParleyError && NOT_ADMIN_FRAME_CODES.has(err.code))) throw err;
      await within(this.#removedInView(id, reason), EVENT_WAIT_MS);
    }
  }

  async #removedInView(id: string, reason: 'left' | 'deleted'): Promise<void> {
    while (this.core.view(id)?.removed !== reason) await new Promise((r) => setTimeout(r, 50));
  }
}
