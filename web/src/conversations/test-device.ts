/**
 * One device's Messenger for the conversation tests: the fake IndexedDB open in the test (call
 * `useFakeDatabase` in the test file), real sealing, real Links over a fake server connection.
 * `alice`, `bob` and `carol` are each other's contacts; `seal` makes what one sends another.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { type Body, openEnvelope, sealEnvelope } from '../../../shared/envelope';
import { generateKeyPair, publicKeyB64 } from '../../../shared/identity';
import type { ClientFrame } from '../../../shared/protocol';
import { type Sodium, loadSodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import type { ContactView, Contacts } from '../identity/contacts';
import type { Connection } from '../net/connection';
import { testLinks } from '../peer/test-support';
import { type Database, openDatabase } from '../storage/db';
import { Messenger } from './messenger';

export type Name = 'alice' | 'bob' | 'carol';

export interface TestWorld {
  readonly s: Sodium;
  readonly db: Database;
  /** An envelope sealed by `from` for `to` with `body`, sealed at `ts`. */
  seal(from: Name, to: Name, id: string, body: Body | object, ts?: number): string;
  /** Opens an envelope `from` sent `to` (the body, or undefined when it does not open). */
  open(from: Name, to: Name, id: string, env: string): Promise<unknown>;
  /** `me`'s Messenger, whose contacts are the other two, over the test database and real Links. */
  device(me: Name): Promise<TestDevice>;
}

export interface TestDevice {
  messenger: Messenger;
  /** The device's account (its identity), for services built beside the messenger. */
  account: Account;
  frames: ClientFrame[];
  handle: TestNet['handle'];
  /** The fake server and direct channels the device's Links use. */
  net: TestNet;
}

type TestNet = ReturnType<typeof testLinks>;

/** Sets up sodium, keys and a fresh fake IndexedDB per test. */
export function useTestWorld(): TestWorld {
  let s: Sodium;
  let db: Database;
  const keys = {} as Record<Name, { publicKey: Uint8Array; secretKey: Uint8Array }>;
  beforeAll(async () => {
    s = await loadSodium();
    for (const name of ['alice', 'bob', 'carol'] as const) keys[name] = generateKeyPair(s);
  });
  beforeEach(async () => {
    globalThis.indexedDB = new IDBFactory();
    db = await openDatabase();
  });
  afterEach(() => db.close());
  return {
    get s() {
      return s;
    },
    get db() {
      return db;
    },
    seal: (from, to, id, body, ts = Date.now()) => sealEnvelope(s, { from, to, id }, body as Body, keys[from].secretKey, keys[to].publicKey, ts),
    async open(from, to, id, env) {
      const opened = await openEnvelope(s, env, { from, to, id }, keys[from].publicKey, keys[to].secretKey, { has: () => false });
      return opened.ok ? opened.value.body : undefined;
    },
    async device(me) {
      const contacts = new Map<string, ContactView>();
      for (const name of Object.keys(keys) as Name[]) {
        if (name !== me) contacts.set(name, { username: name, online: true, identityKey: publicKeyB64(s, keys[name]) });
      }
      const identity = { username: me, ...keys[me] };
      const account = { identity } as unknown as Account;
      const view = { get: (u: string) => contacts.get(u), trusted: (u: string) => contacts.get(u) } as unknown as Contacts;
      const net = testLinks(s, identity, Object.fromEntries([...contacts].map(([u, c]) => [u, c.identityKey])));
      const connection = { online: true, send: (f: ClientFrame) => net.frames.push(f) > 0 } as unknown as Connection;
      const messenger = new Messenger(db, s, account, view, connection, net.links);
      await messenger.load();
      messenger.attach(net.router);
      return { messenger, account, frames: net.frames, handle: net.handle, net };
    },
  };
}
