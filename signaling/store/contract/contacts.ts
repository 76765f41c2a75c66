import { describe, expect, it } from 'vitest';
import type { ContractContext } from './harness';

export function contactsContract(c: ContractContext): void {
  describe('contacts and requests', () => {
    it('records requests both ways and turns them into a symmetric contact', async () => {
      const store = await c.open();
      const contacts = store.contacts;
      for (const u of ['alice', 'bob', 'carol']) await store.accounts.create({ username: u, identityKey: `k-${u}` });
      expect(await contacts.addRequest('alice', 'bob')).toBe('added');
      expect(await contacts.addRequest('alice', 'bob')).toBe('exists');
      await contacts.addRequest('carol', 'bob');
      expect(await contacts.hasRequest('alice', 'bob')).toBe(true);
      expect(await contacts.hasRequest('bob', 'alice')).toBe(false);
      expect((await contacts.incomingRequests('bob')).sort()).toEqual(['alice', 'carol']);
      expect(await contacts.outgoingRequests('alice')).toEqual(['bob']);
      await contacts.add('bob', 'alice');
      expect(await contacts.areContacts('alice', 'bob')).toBe(true);
      expect(await contacts.areContacts('bob', 'alice')).toBe(true);
      expect(await contacts.contactsOf('alice')).toEqual(['bob']);
      expect(await contacts.hasRequest('alice', 'bob')).toBe(false);
      expect(await contacts.incomingRequests('bob')).toEqual(['carol']);
      await contacts.declineRequest('carol', 'bob');
      expect(await contacts.incomingRequests('bob')).toEqual([]);
      expect(await contacts.areContacts('carol', 'bob')).toBe(false);
    });

    it('holds a declined requester back for the cooldown, then lets them ask again', async () => {
      const store = await c.open({ requestCooldownMs: 1000 });
      for (const u of ['alice', 'bob']) await store.accounts.create({ username: u, identityKey: `k-${u}` });
      await store.contacts.addRequest('alice', 'bob');
      await store.contacts.declineRequest('alice', 'bob');
      expect(await store.contacts.addRequest('alice', 'bob')).toBe('cooldown');
      c.clock.now += 1000;
      expect(await store.contacts.addRequest('alice', 'bob')).toBe('added');
    });

    it('refuses requests past the caps on both ends', async () => {
      const store = await c.open({ requestsMaxIncoming: 2, requestsMaxOutgoing: 2 });
      for (const u of ['alice', 'bob', 'carol', 'dave', 'erin']) await store.accounts.create({ username: u, identityKey: `k-${u}` });
      expect(await store.contacts.addRequest('alice', 'erin')).toBe('added');
      c.clock.now += 1; // oldest first: give them distinct times
      expect(await store.contacts.addRequest('bob', 'erin')).toBe('added');
      expect(await store.contacts.addRequest('carol', 'erin')).toBe('full');
      expect(await store.contacts.addRequest('alice', 'dave')).toBe('added');
      expect(await store.contacts.addRequest('alice', 'carol')).toBe('full');
      expect(await store.contacts.incomingRequests('erin')).toEqual(['alice', 'bob']);
    });
  });
}
