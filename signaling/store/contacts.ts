/**
 * Who may reach whom: accepted contacts (always both ways), pending contact requests (bounded
 * per user, expiring, with a cooldown after a decline).
 */

/**
 * `added`: new; `exists`: already pending (nothing to tell anyone again); `full`: the recipient
 * has too many pending requests, or the sender has too many outstanding; `cooldown`: the
 * recipient declined the sender recently.
 */
export type RequestResult = 'added' | 'exists' | 'full' | 'cooldown';

export interface ContactStore {
  contactsOf(username: string): Promise<string[]>;
  areContacts(a: string, b: string): Promise<boolean>;
  /** Makes a and b contacts and removes any request between them. */
  add(a: string, b: string): Promise<void>;
  addRequest(from: string, to: string): Promise<RequestResult>;
  /** True when an unexpired request from `from` to `to` is pending. */
  hasRequest(from: string, to: string): Promise<boolean>;
  /** `to` declined `from`: the request goes, and `from` may not ask again for the cooldown. */
  declineRequest(from: string, to: string): Promise<void>;
  /** Unexpired requests to `username`, oldest first (at most the per-user cap). */
  incomingRequests(username: string): Promise<string[]>;
  /** Unexpired requests from `username`, oldest first (at most the per-user cap). */
  outgoingRequests(username: string): Promise<string[]>;
}
