/**
 * The one error type of the MLS module. Its `code` is stable (callers switch on it; the server
 * answers every one of them with its own `bad_mls` code); `message` is English for logs only.
 */
export type GroupErrorCode =
  /** The bytes do not decode as the MLS object asked for. */
  | 'malformed'
  /** A well-formed MLS object of another kind (a Welcome where a commit was expected, …). */
  | 'wrong_kind'
  /** Valid MLS that Parley does not use: another cipher suite or credential type, a proposal by reference, an external sender. */
  | 'unsupported'
  /** A credential whose identity is not a valid username, or a signature that does not verify. */
  | 'bad_credential'
  /** The authentication service refused a (username, signature key) pair: not the key pinned for that user. */
  | 'unauthenticated'
  /** A commit the roles extension does not allow (a member adding someone, a roles change not by the owner, …). */
  | 'forbidden'
  /** A message for an epoch this state cannot read (too old, or not reached yet). */
  | 'wrong_epoch'
  /** A message for another group than the state it was handed to. */
  | 'wrong_group'
  /** This member has been removed from the group: the state can no longer send or read. */
  | 'removed'
  /** None of this device's key packages opens the Welcome. */
  | 'no_key_package'
  /** The roles or usernames given to a call are not valid (owner missing, unknown member, …). */
  | 'bad_request'
  /** MLS processing failed for another reason (a decryption or a check inside ts-mls). */
  | 'crypto';

export class GroupError extends Error {
  readonly code: GroupErrorCode;

  constructor(code: GroupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GroupError';
    this.code = code;
  }
}

export const isGroupError = (e: unknown): e is GroupError => e instanceof GroupError;

/**
 * Runs `work` and turns whatever ts-mls throws into a GroupError with `code` (a GroupError
 * thrown on purpose inside passes through unchanged).
 */
export async function wrapMls<T>(code: GroupErrorCode, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isGroupError(e)) throw e;
    throw new GroupError(code, `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
