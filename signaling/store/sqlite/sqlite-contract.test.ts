/** The store contract on SQLite: a fresh data directory per test; opening again in a test reopens the same data. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeStoreContract } from '../contract/index';
import { SqliteStore } from './sqlite-store';

let dir: string | undefined;
const open: SqliteStore[] = [];

describeStoreContract('sqlite', {
  async open(options) {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'parley-contract-'));
    const store = new SqliteStore({ dataDir: dir, ...options });
    open.push(store);
    return store;
  },
  async cleanup() {
    for (const s of open.splice(0)) {
      try {
        await s.close();
      } catch {
        // closed by the test already
      }
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  },
});
