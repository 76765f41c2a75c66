/**
 * MLS's authentication service for this device (README "Keys of members who are not contacts"):
 * a member's leaf is accepted when its signature key is this user's own identity key, the key
 * this device trusts for that contact, or (not a contact) the first key this device saw for that
 * username in any group, remembered in IndexedDB (trust on first use). A different key later is
 * refused, and remembered as a conflict (kept in IndexedDB for members who are not contacts) so
 * the group can flag it as a contact's key change is flagged.
 */
import { publicKeyB64, publicKeyFromB64 } from '../../../shared/identity';
import type { Identity } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Contacts } from '../identity/contacts';
import type { Database, StoredMemberKey } from '../storage/db';

export class MemberTrust {
  /** username → first-seen key (base64url): mirrored from `memberKeys`, loaded once. */
  readonly #first = new Map<string, string>();
  /** Usernames whose leaf carried a key other than the one trusted (shown by the group). */
  readonly conflicts = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly sodium: Sodium,
    private readonly contacts: Contacts,
    private readonly me: () => Identity,
    /** A member's key conflict was noted (the UI shows it). */
    private readonly onConflict: (username: string) => void = () => {},
  ) {}

  async load(): Promise<void> {
    for (const k of await this.db.getAll('memberKeys')) {
      this.#first.set(k.username, k.identityKey);
      if (k.changedKey) this.conflicts.add(k.username);
    }
  }

  /**
   * The key first seen for `username` in a group (not a contact's: those are the contact's), or
   * undefined: the key a member chat seals to and reads with (conversations/peer-keys.ts).
   */
  pinned(username: string): string | undefined {
    return this.#first.get(username);
  }

  /** The Authenticate callback (shared/groups env.ts); `group` is noted with a first-seen key. */
  async authenticate(username: string, signatureKey: Uint8Array, group = ''): Promise<boolean> {
    const s = this.sodium;
    const me = this.me();
    if (username === me.username) return s.memcmp(signatureKey, me.publicKey);
    const contact = this.contacts.get(username);
    // The key this device trusts for a contact, even while a changed one waits for the user.
    const trusted = contact?.identityKey ?? this.#first.get(username);
    if (trusted !== undefined) {
      const ok = this.#equal(trusted, signatureKey);
      if (!ok) await this.#conflict(username, signatureKey, contact === undefined);
      return ok;
    }
    const key = publicKeyB64(s, { publicKey: signatureKey });
    this.#first.set(username, key);
    const record: StoredMemberKey = { username, identityKey: key, group, at: Date.now() };
    // Another tab of this profile may have met them first: its key stands.
    const tx = this.db.transaction('memberKeys', 'readwrite');
    const stored = await tx.store.get(username);
    if (!stored) await tx.store.put(record);
    await tx.done;
    if (stored && stored.identityKey !== key) {
      this.#first.set(username, stored.identityKey);
      await this.#conflict(username, signatureKey, true);
      return false;
    }
    return true;
  }

  /** `username` showed `key`, not the one trusted: noted (and, for a member who is not a contact, kept). */
  async #conflict(username: string, key: Uint8Array, keep: boolean): Promise<void> {
    const isNew = !this.conflicts.has(username);
    this.conflicts.add(username);
    if (keep && isNew) {
      const tx = this.db.transaction('memberKeys', 'readwrite');
      const stored = await tx.store.get(username);
      if (stored) await tx.store.put({ ...stored, changedKey: publicKeyB64(this.sodium, { publicKey: key }) });
      await tx.done;
    }
    if (isNew) this.onConflict(username);
  }

  #equal(b64: string, key: Uint8Array): boolean {
    try {
      const trusted = publicKeyFromB64(this.sodium, b64);
      return trusted.length === key.length && this.sodium.memcmp(trusted, key);
    } catch {
      return false;
    }
  }
}
