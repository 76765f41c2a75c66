/**
 * The store contract suite: `describeStoreContract('sqlite', factory)` runs every backend-neutral
 * behaviour of a Store against a backend. What only one engine has (SQLite's pragmas, file modes,
 * migrations) is tested beside that backend instead.
 */
import { describe } from 'vitest';
import { accountsContract } from './accounts';
import { announcementsContract } from './announcements';
import { blocksContract } from './blocks';
import { contactsContract } from './contacts';
import { filesContract } from './files';
import { groupFilesContract } from './group-files';
import { groupReceiptsContract } from './group-receipts';
import { groupsContract } from './groups';
import { type StoreFactory, contractContext } from './harness';
import { queueContract } from './queue';

export type { ContractOptions, StoreFactory } from './harness';

export function describeStoreContract(name: string, factory: StoreFactory, features: { reopen: boolean } = { reopen: true }): void {
  describe(`store contract: ${name}`, () => {
    const c = contractContext(factory);
    accountsContract(c);
    contactsContract(c);
    blocksContract(c);
    queueContract(c, features.reopen);
    filesContract(c);
    groupFilesContract(c);
    groupsContract(c);
    groupReceiptsContract(c);
    announcementsContract(c);
  });
}
