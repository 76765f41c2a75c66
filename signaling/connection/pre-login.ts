/**
 * What a WebSocket may do before it logs in. Only `register`, `login` and `ping` are useful then,
 * and the largest (`register`) is about 250 bytes: so a small frame size, checked before anything
 * parses the frame; no binary frames (they are never decoded); a slow frame rate; and a deadline,
 * after which the socket is closed with 4002 `login_timeout`. An unauthenticated socket costs the
 * server little and cannot linger.
 */
import type { ErrorCode } from '../../shared/protocol';
import type { ConnectionLimits } from '../config';
import { TokenBucket } from '../rate-limiter';

type Limits = Pick<ConnectionLimits, 'loginTimeoutMs' | 'unauthenticatedMaxFrameBytes' | 'unauthenticatedFramesPerSec' | 'unauthenticatedBurst'>;

export class PreLogin {
  readonly #bucket: TokenBucket;
  readonly #deadline: NodeJS.Timeout;

  constructor(
    private readonly limits: Limits,
    /** Called once at the deadline, unless {@link end} came first. */
    onDeadline: () => void,
  ) {
    this.#bucket = new TokenBucket(limits.unauthenticatedFramesPerSec, limits.unauthenticatedBurst);
    this.#deadline = setTimeout(onDeadline, limits.loginTimeoutMs);
  }

  /**
   * Checks a frame from the not yet logged-in socket, knowing only its size and kind: the error
   * to answer it with (the frame is then dropped), or undefined to go on and decode it.
   */
  check(bytes: number, isBinary: boolean): { code: ErrorCode; message: string } | undefined {
    if (!this.#bucket.take()) return { code: 'rate_limited', message: 'too many frames before login; slow down' };
    if (isBinary) return { code: 'auth_required', message: 'log in first' };
    const max = this.limits.unauthenticatedMaxFrameBytes;
    if (bytes > max) return { code: 'too_large', message: `before login, frames are limited to ${max} bytes` };
    return undefined;
  }

  /** Logged in, or closed: the deadline no longer applies. */
  end(): void {
    clearTimeout(this.#deadline);
  }
}
