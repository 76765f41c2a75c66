import { describe, expect, it } from 'vitest';
import type { ContractContext } from './harness';

export function blocksContract(c: ContractContext): void {
  describe('blocks and contact removal', () => {
    it('keeps blocks per owner, lists them both ways, and survives repeats', async () => {
      const store = await c.open();
      const contacts = store.contacts;
      await contacts.block('alice', 'mallory');
      await contacts.block('alice', 'mallory');
      await contacts.block('bob', 'mallory');
      await contacts.block('alice', 'eve');
      expect((await contacts.blocksOf('alice')).sort()).toEqual(['eve', 'mallory']);
      expect((await contacts.blockersOf('mallory')).sort()).toEqual(['alice', 'bob']);
      expect(await contacts.blocksOf('mallory')).toEqual([]);
      await contacts.unblock('alice', 'mallory');
      await contacts.unblock('alice', 'nobody');
      expect(await contacts.blocksOf('alice')).toEqual(['eve']);
      expect(await contacts.blockersOf('mallory')).toEqual(['bob']);
    });

    it('refuses a block past blocksMax as full, while a repeat is still exists and an unblock makes room (review M5)', async () => {
      const store = await c.open({ blocksMax: 2 });
      const contacts = store.contacts;
      expect(await contacts.block('alice', 'mallory')).toBe('added');
      expect(await contacts.block('alice', 'eve')).toBe('added');
      expect(await contacts.block('alice', 'trudy')).toBe('full');
      expect(await contacts.block('alice', 'mallory')).toBe('exists');
      expect(await contacts.blocksOf('alice')).toEqual(['eve', 'mallory']);
      expect(await contacts.blockersOf('trudy')).toEqual([]);
      expect(await contacts.block('bob', 'trudy')).toBe('added'); // the cap is per owner
      await contacts.unblock('alice', 'eve');
      expect(await contacts.block('alice', 'trudy')).toBe('added');
      expect((await contacts.blockersOf('trudy')).sort()).toEqual(['alice', 'bob']);
    });

    it('a block withdraws the blocker\'s own request; an unblock drops the requests made to the blocker meanwhile', async () => {
      const store = await c.open();
      const contacts = store.contacts;
      for (const u of ['alice', 'mallory']) await store.accounts.create({ username: u, identityKey: `k-${u}` });
      await contacts.addRequest('alice', 'mallory');
      await contacts.block('alice', 'mallory');
      expect(await contacts.hasRequest('alice', 'mallory')).toBe(false);
      // A request from the blocked user is kept (they see it pending) but dropped at the unblock.
      expect(await contacts.addRequest('mallory', 'alice')).toBe('added');
      await contacts.unblock('alice', 'mallory');
      expect(await contacts.hasRequest('mallory', 'alice')).toBe(false);
      // A block leaves the contact itself in place: an unblock brings it back as it was.
      await contacts.add('alice', 'mallory');
      await contacts.block('alice', 'mallory');
      expect(await contacts.areContacts('alice', 'mallory')).toBe(true);
    });

    it('removes a contact on both sides, with any request between them', async () => {
      const store = await c.open();
      const contacts = store.contacts;
      for (const u of ['alice', 'bob', 'carol']) await store.accounts.create({ username: u, identityKey: `k-${u}` });
      await contacts.add('alice', 'bob');
      await contacts.add('alice', 'carol');
      await contacts.remove('bob', 'alice');
      expect(await contacts.areContacts('alice', 'bob')).toBe(false);
      expect(await contacts.areContacts('bob', 'alice')).toBe(false);
      expect(await contacts.contactsOf('alice')).toEqual(['carol']);
      expect(await contacts.addRequest('bob', 'alice')).toBe('added'); // they may ask again
    });
  });
}
