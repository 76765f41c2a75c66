/**
 * The browser's IndexedDB: the identity (secret key never leaves this device unencrypted),
 * trusted contact keys, message history, and the outbox of sealed messages not yet
 * acknowledged by the server's store or the recipient.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

export type MessageState = 'sending' | 'sent' | 'delivered' | 'failed';
export type Direction = 'in' | 'out';

export interface StoredIdentity {
  username: string;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  /** False until the server accepted the registration. */
  registered: boolean;
}

export interface StoredContact {
  username: string;
  /** The key this device trusts for the contact (first seen, or explicitly accepted). */
  identityKey: string;
  /** A different key the server now reports; messaging is blocked until the user accepts it. */
  changedKey?: string;
}

/** What the conversation shows of a file message; the transfer itself lives in `transfers`. */
export interface FileMeta {
  fileId: string;
  name: string;
  size: number;
  type: string;
}

export interface StoredMessage {
  peer: string;
  dir: Direction;
  id: string;
  /** Local order of arrival/creation; the conversation is shown in this order. */
  seq: number;
  /** The sender's clock when sealed. */
  ts: number;
  text: string;
  /** Set for a file message (then `text` is the file name). */
  file?: FileMeta;
  state: MessageState;
  /** Why a message failed, for the user. */
  error?: string;
}

export interface OutboxEntry {
  id: string;
  to: string;
  env: string;
  seq: number;
}

/**
 * `stored`: sent, the server keeps the sealed chunks until the contact collects them. `offered`:
 * received offer over the size fetched without asking (files/auto-accept.ts); nothing is fetched
 * until the user accepts it.
 */
export type TransferState = 'offered' | 'waiting' | 'active' | 'verifying' | 'stored' | 'done' | 'cancelled' | 'failed';

/** One file transfer, either way. Survives reloads so a receiver can resume. */
export interface TransferRecord extends FileMeta {
  peer: string;
  dir: Direction;
  sha256: string;
  /** The file key (base64url), from the sealed offer. */
  key: string;
  count: number;
  /** Receiving: leading chunks stored. Sending: leading chunks the receiver acknowledged. */
  next: number;
  /** Receiving: the SHA-256 state (hash-wasm's `save()`) over the chunks stored, so a resumed reception need not read them back. */
  hashState?: Uint8Array;
  state: TransferState;
  /** The sealed chunks are (being) left with the server for a contact who was offline. */
  stored?: boolean;
  /** Why it failed or stopped. */
  reason?: 'integrity' | 'cancelled_by_peer' | 'interrupted' | 'too_large_for_relay' | 'storage';
}

interface ParleyDB extends DBSchema {
  identity: { key: 'self'; value: StoredIdentity };
  contacts: { key: string; value: StoredContact };
  messages: { key: [string, Direction, string]; value: StoredMessage; indexes: { byPeer: [string, number] } };
  outbox: { key: string; value: OutboxEntry; indexes: { bySeq: number } };
  settings: { key: string; value: unknown };
  transfers: { key: string; value: TransferRecord; indexes: { byPeer: string } };
}

export type Database = IDBPDatabase<ParleyDB>;

export function openDatabase(name = 'parley'): Promise<Database> {
  return openDB<ParleyDB>(name, 3, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) createV1(db);
      if (oldVersion < 2) db.createObjectStore('transfers', { keyPath: 'fileId' }).createIndex('byPeer', 'peer');
      // Version 2 kept received chunks here; they live in files of their own now (files/chunk-store.ts).
      if (oldVersion === 2) (db as unknown as IDBPDatabase).deleteObjectStore('chunks');
    },
    // A newer version of the app opened in another tab needs this database upgraded: step aside
    // (close, and reload into the new version) instead of leaving that tab waiting.
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
      globalThis.location?.reload();
    },
  });
}

function createV1(db: IDBPDatabase<ParleyDB>): void {
  db.createObjectStore('identity');
  db.createObjectStore('contacts', { keyPath: 'username' });
  const messages = db.createObjectStore('messages', { keyPath: ['peer', 'dir', 'id'] });
  messages.createIndex('byPeer', ['peer', 'seq']);
  const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
  outbox.createIndex('bySeq', 'seq');
  db.createObjectStore('settings');
}

/** A strictly increasing local sequence (ms clock with a sub-ms counter), for display order. */
export function createSequencer(): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, Date.now() * 1000);
    return last;
  };
}
