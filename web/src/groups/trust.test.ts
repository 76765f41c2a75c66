// MLS's authentication service on this device: own key, a contact's trusted key, and for anyone
// else the first key seen (kept in IndexedDB); a different key later is refused and noted.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair, publicKeyB64 } from '../../../shared/identity';
import { loadSodium } from '../../../shared/sodium';
import type { Contacts } from '../identity/contacts';
import { openDatabase } from '../storage/db';
import { MemberTrust } from './trust';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('MemberTrust', () => {
  it('accepts own, contact and first-seen keys; refuses any other key for them, across a reload', async () => {
    const s = await loadSodium();
    const db = await openDatabase();
    const me = { username: 'alice', ...generateKeyPair(s) };
    const bob = generateKeyPair(s);
    const carol = generateKeyPair(s);
    const other = generateKeyPair(s);
    const contacts = { get: (u: string) => (u === 'bob' ? { username: 'bob', online: true, identityKey: publicKeyB64(s, bob) } : undefined) } as unknown as Contacts;
    const trust = new MemberTrust(db, s, contacts, () => me);
    await trust.load();
    expect(await trust.authenticate('alice', me.publicKey)).toBe(true);
    expect(await trust.authenticate('alice', other.publicKey)).toBe(false);
    expect(await trust.authenticate('bob', bob.publicKey)).toBe(true);
    expect(await trust.authenticate('bob', other.publicKey)).toBe(false);
    expect(await trust.authenticate('carol', carol.publicKey)).toBe(true);
    expect(await trust.authenticate('carol', carol.publicKey)).toBe(true);
    expect(await trust.authenticate('carol', other.publicKey)).toBe(false);
    expect([...trust.conflicts].sort()).toEqual(['bob', 'carol']);
    expect(await db.get('memberKeys', 'carol')).toMatchObject({ identityKey: publicKeyB64(s, carol) });

    // The conflict of a member who is not a contact is kept, and noted once.
    expect(await db.get('memberKeys', 'carol')).toMatchObject({ changedKey: publicKeyB64(s, other) });
    const noted: string[] = [];
    const again = new MemberTrust(db, s, contacts, () => me, (u) => noted.push(u));
    await again.load();
    expect([...again.conflicts]).toEqual(['carol']);
    const dave = generateKeyPair(s);
    expect(await again.authenticate('dave', dave.publicKey)).toBe(true);
    expect(await again.authenticate('dave', other.publicKey)).toBe(false);
    expect(await again.authenticate('dave', other.publicKey)).toBe(false);
    expect(noted).toEqual(['dave']);
    expect(await again.authenticate('carol', other.publicKey)).toBe(false);
    expect(await again.authenticate('carol', carol.publicKey)).toBe(true);
    db.close();
  });
});
