import { describe, expect, it } from 'vitest';
import type { ContractContext } from './harness';

export function accountsContract(c: ContractContext): void {
  describe('accounts', () => {
    it('refuses a taken username and keeps the first key', async () => {
      const store = await c.open();
      expect(await store.accounts.create({ username: 'alice', identityKey: 'key-1' })).toBe(true);
      expect(await store.accounts.create({ username: 'alice', identityKey: 'key-2' })).toBe(false);
      expect(await store.accounts.get('alice')).toEqual({ username: 'alice', identityKey: 'key-1' });
      expect(await store.accounts.get('nobody')).toBeUndefined();
    });
  });
}
