/**
 * Whose identity key a 1:1 envelope is sealed to and opened with. A contact's is the key this
 * device trusts for them (none while an unaccepted key change stands: their messages wait, and
 * nothing is sealed for them). A group member who is not a contact (a member chat, issue 12
 * item 5) has a second source: the key this device pinned for them in a group (groups/trust.ts,
 * trust on first use), handed in by the layer above through {@link PeerKeys.useMemberKeys}, so
 * the member is never pretended to be a contact. Anyone else has no key: nothing is sealed for a
 * stranger and what a stranger sends is not opened.
 */
import type { Contacts } from '../identity/contacts';

/** A member's pinned identity key (base64url), or undefined when this device never met them in a group. */
export type MemberKeys = (username: string) => string | undefined;

/** Fires `change` when the second source may know more keys (envelopes held for lack of one are tried again). */
export class PeerKeys extends EventTarget {
  #members: MemberKeys = () => undefined;

  constructor(private readonly contacts: Pick<Contacts, 'get' | 'trusted'>) {
    super();
  }

  /** The second source, for members who are not contacts (the group service's pinned keys). */
  useMemberKeys(source: MemberKeys): void {
    this.#members = source;
  }

  /** The second source may know more keys now (a group was joined or changed). */
  changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  /** The key to seal for and verify `peer` with, or undefined: none is trusted now. */
  keyOf(peer: string): string | undefined {
    // A contact's key is never replaced by a group's: a changed contact key waits for the user.
    if (this.contacts.get(peer)) return this.contacts.trusted(peer)?.identityKey;
    return this.#members(peer);
  }

  /** True when `peer` is reached as a group member, not as a contact (a temporary chat). */
  isMemberChat(peer: string): boolean {
    return !this.contacts.get(peer) && this.#members(peer) !== undefined;
  }
}
