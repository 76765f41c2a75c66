// Whose key a 1:1 envelope uses (peer-keys.ts): a contact's trusted key always wins over a
// group's pinned one; a contact whose key changed has none (their messages wait); a member who
// is not a contact has the pinned key; a stranger none.
import { describe, expect, it } from 'vitest';
import type { ContactView } from '../identity/contacts';
import { PeerKeys } from './peer-keys';

const contacts = new Map<string, ContactView>([
  ['carol', { username: 'carol', online: true, identityKey: 'carol-trusted' }],
  ['dave', { username: 'dave', online: true, identityKey: 'dave-old', changedKey: 'dave-new' }],
]);
const view = { get: (u: string) => contacts.get(u), trusted: (u: string) => (contacts.get(u)?.changedKey ? undefined : contacts.get(u)) };
const pinned: Record<string, string> = { bob: 'bob-pinned', carol: 'carol-pinned', dave: 'dave-pinned' };

describe('PeerKeys', () => {
  it('uses only contacts until the group service hands in its pinned keys', () => {
    const keys = new PeerKeys(view);
    expect(keys.keyOf('carol')).toBe('carol-trusted');
    expect(keys.keyOf('bob')).toBeUndefined();
    expect(keys.isMemberChat('bob')).toBe(false);
  });

  it('seals to and reads a member who is not a contact with the pinned key; a contact never with a group’s', () => {
    const keys = new PeerKeys(view);
    keys.useMemberKeys((u) => pinned[u]);
    expect(keys.keyOf('bob')).toBe('bob-pinned');
    expect(keys.isMemberChat('bob')).toBe(true);
    expect(keys.keyOf('carol')).toBe('carol-trusted');
    expect(keys.isMemberChat('carol')).toBe(false);
    // A changed contact key waits for the user: no group key stands in for it.
    expect(keys.keyOf('dave')).toBeUndefined();
    expect(keys.keyOf('mallory')).toBeUndefined();
    expect(keys.isMemberChat('mallory')).toBe(false);
  });
});
