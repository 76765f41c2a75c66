/**
 * Who may reach whom: accepted contacts (always both ways), pending contact requests (bounded
 * per user, expiring, with a cooldown after a decline), and blocks (one user's, see policy.ts).
 */

/**
 * `added`: new; `exists`: already pending (nothing to tell anyone again); `full`: the recipient
 * has too many pending requests, or the sender has too many outstanding; `cooldown`: the
 * recipient declined the sender recently.
 */
export type RequestResult = 'added' | 'exists' | 'full' | 'cooldown';

/** `added`: a new block; `exists`: already blocked (nothing changed); `full`: the owner blocks `blocksMax` users already. */
export type BlockResult = 'added' | 'exists' | 'full';

export interface ContactStore {
  contactsOf(username: string): Promise<string[]>;
  areContacts(a: string, b: string): Promise<boolean>;
  /** Makes a and b contacts and removes any request between them. */
  add(a: string, b: string): Promise<void>;
  /** a and b stop being contacts, both ways, and any request between them goes. */
  remove(a: string, b: string): Promise<void>;
  /**
   * `owner` blocks `peer` (a repeat changes nothing), unless `owner` blocks StoreLimits.blocksMax
   * users already. The contact, if any, stays (an unblock restores it); `owner`'s own request to
   * `peer` is withdrawn.
   */
  block(owner: string, peer: string): Promise<BlockResult>;
  /** Ends the block; requests `peer` made to `owner` while blocked (hidden from `owner`) are dropped. */
  unblock(owner: string, peer: string): Promise<void>;
  /** Users `owner` blocked. */
  blocksOf(owner: string): Promise<string[]>;
  /** Users who blocked `peer`. */
  blockersOf(peer: string): Promise<string[]>;
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
