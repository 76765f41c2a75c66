import type { ErrorCode } from '../shared/protocol';

/**
 * An expected refusal: becomes an `error` frame with a stable code. Anything else thrown
 * inside a handler is a bug: it is logged and answered with `internal`, leaking nothing.
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The id or frame type the error refers to, so a client can match it to its request. */
    readonly ref?: string,
  ) {
    super(message);
  }
}
