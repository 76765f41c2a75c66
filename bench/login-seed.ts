/**
 * The state a long absence leaves for the login benchmark, written straight into a fresh SQLite
 * data directory before the server opens it (registering and befriending 1,000 accounts and
 * sending 10,000 messages through the protocol would take minutes of fsynced commits and measure
 * nothing of the login): one user, `contacts` accepted contacts, and `messages` sealed messages
 * from them in the queue, interleaved as a day of conversations leaves them (each contact's
 * messages spread over the whole queue, not in runs).
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../signaling/store/sqlite/sqlite-store';
import type { QueueItem } from '../signaling/store/queue';
import { generateKeyPair, publicKeyB64 } from '../shared/identity';
import type { Sodium } from '../shared/sodium';

export interface LoginSeed {
  dataDir: string;
  username: string;
  secretKey: Uint8Array;
  contacts: number;
  messages: number;
}

/** Items per enqueue: one transaction each, so seeding is fast and no single one is huge. */
const SEED_BATCH = 500;

/** A valid Ed25519 public key (base64url) for a contact who never logs in. */
const someKey = (): string => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;

export async function seedLogin(sodium: Sodium, o: { contacts: number; messages: number; envChars: number; quota: number }): Promise<LoginSeed> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-login-bench-'));
  // The server later runs with the same quota (OFFLINE_QUOTA_MESSAGES), or the queue would not fit.
  const store = new SqliteStore({ dataDir, quotaMessages: o.quota, quotaBytes: 1 << 30, ttlMs: 14 * 24 * 3600 * 1000 });
  try {
    const username = 'absent';
    const keys = generateKeyPair(sodium);
    await store.accounts.create({ username, identityKey: publicKeyB64(sodium, keys) });
    const names = Array.from({ length: o.contacts }, (_, i) => `friend${i}`);
    for (const name of names) {
      await store.accounts.create({ username: name, identityKey: someKey() });
      await store.contacts.add(username, name);
    }
    const env = 'A'.repeat(o.envChars);
    const now = Date.now();
    let batch: QueueItem[] = [];
    for (let i = 0; i < o.messages; i++) {
      // Round-robin over the contacts: every page of the queue has messages from most of them.
      batch.push({ kind: 'msg', peer: names[i % names.length]!, id: `m${i.toString(36).padStart(8, '0')}`, env, ts: now - o.messages + i });
      if (batch.length === SEED_BATCH || i === o.messages - 1) {
        const result = await store.queue.enqueue(username, batch);
        if (result !== 'stored') throw new Error(`seeding the queue: ${result}`);
        batch = [];
      }
    }
    return { dataDir, username, secretKey: keys.secretKey, contacts: o.contacts, messages: o.messages };
  } finally {
    await store.close();
  }
}
