/**
 * Every version of the browser's database, and the step from each to the next. A profile written
 * by any earlier version opens in this one with nothing lost (migrations.test.ts writes a version 3
 * profile with that version's own schema code and checks every record after the upgrade).
 *
 * 1: identity, contacts, messages keyed by [peer, dir, id], outbox of bare envelopes, settings.
 * 2: file transfers (and received chunks, which 3 moved out to files of their own).
 * 4: conversations get ids of their own (`dm:<username>`): messages are keyed by [conv, dir, id];
 *    the outbox holds kind-tagged jobs; each conversation has a record (unread count, draft); and
 *    modifiers (a reaction, a delete) wait in `pending` for the message they change.
 * 5: messages deleted for me are remembered in `forgotten` (so a copy sent again stays deleted),
 *    and replies are found by the message they quote (`byQuote`), so a quote follows an edit.
 * 6: groups (web/src/groups/): `groups` (each group's view and serialized MLS state, keyed by the
 *    group id), `keyPackages` (this device's key-package secrets by ref) and `memberKeys` (the
 *    first key seen for a group member who is not a contact). Nothing existing changes.
 * 7: `expiring`: disappearing messages by when they go (conversations/expiry.ts). A new store only.
 * 8: broadcast lists (conversations/broadcasts.ts): `broadcasts` (the lists, by id) and
 *    `broadcastSends` (what was written in each, keyed [list, seq]). New stores only.
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { ParleyDB } from './db';

type UpgradeTx = IDBPTransaction<ParleyDB, StoreNames<ParleyDB>[], 'versionchange'>;

export function upgrade(db: IDBPDatabase<ParleyDB>, oldVersion: number, newVersion: number | null, tx: UpgradeTx): void {
  const raw = db as unknown as IDBPDatabase;
  if (oldVersion < 1) createV1(raw);
  if (oldVersion < 2) raw.createObjectStore('transfers', { keyPath: 'fileId' }).createIndex('byPeer', 'peer');
  // Version 2 kept received chunks here; they live in files of their own now (files/chunk-store.ts).
  if (oldVersion === 2) raw.deleteObjectStore('chunks');
  // (A test may stop at an earlier version: a later step runs only for a version that asks for it.)
  const toFive = (newVersion ?? 5) >= 5;
  if (oldVersion < 4) toV4(raw, tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>, toFive);
  if (oldVersion < 5 && toFive) toV5(raw, tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>, oldVersion);
  if (oldVersion < 6 && (newVersion ?? 6) >= 6) toV6(raw);
  if (oldVersion < 7 && (newVersion ?? 7) >= 7) raw.createObjectStore('expiring', { keyPath: ['conv', 'dir', 'id'] }).createIndex('byAt', 'at');
  if (oldVersion < 8 && (newVersion ?? 8) >= 8) toV8(raw);
}

/** Broadcast lists: new stores only. */
function toV8(db: IDBPDatabase): void {
  db.createObjectStore('broadcasts', { keyPath: 'id' });
  db.createObjectStore('broadcastSends', { keyPath: ['list', 'seq'] });
}

/** New stores only: a version 5 profile keeps every record as it was. */
function toV6(db: IDBPDatabase): void {
  db.createObjectStore('groups', { keyPath: 'id' });
  db.createObjectStore('keyPackages', { keyPath: 'ref' });
  db.createObjectStore('memberKeys', { keyPath: 'username' });
}

/**
 * An index covers the records already there. From before version 4 the messages store is made
 * anew, later in this upgrade (toV4's copy), and gets the index there.
 */
function toV5(db: IDBPDatabase, tx: IDBPTransaction<unknown, string[], 'versionchange'>, oldVersion: number): void {
  db.createObjectStore('forgotten', { keyPath: ['conv', 'dir', 'id'] }).createIndex('byWhen', 'at');
  if (oldVersion >= 4) tx.objectStore('messages').createIndex(BY_QUOTE, ['conv', 'reply.id']);
}

const BY_QUOTE = 'byQuote';

function createV1(db: IDBPDatabase): void {
  db.createObjectStore('identity');
  db.createObjectStore('contacts', { keyPath: 'username' });
  const messages = db.createObjectStore('messages', { keyPath: ['peer', 'dir', 'id'] });
  messages.createIndex('byPeer', ['peer', 'seq']);
  const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
  outbox.createIndex('bySeq', 'seq');
  db.createObjectStore('settings');
}

/**
 * Messages move to a store keyed by conversation (a key path cannot change in place: the old
 * store is read whole, replaced and written again, all in the upgrade's one transaction, so a
 * failure leaves version 3 as it was); outbox entries become `message` jobs of their
 * conversation. Transfers are keyed by file and stay as they are.
 */
function toV4(db: IDBPDatabase, tx: IDBPTransaction<unknown, string[], 'versionchange'>, toFive: boolean): void {
  db.createObjectStore('conversations', { keyPath: 'id' });
  db.createObjectStore('pending', { keyPath: ['conv', 'target', 'id'] }).createIndex('byTarget', ['conv', 'target']);
  const copy = async () => {
    const messages: Array<Record<string, unknown> & { peer: string }> = await tx.objectStore('messages').getAll();
    db.deleteObjectStore('messages');
    const store = db.createObjectStore('messages', { keyPath: ['conv', 'dir', 'id'] });
    store.createIndex('byConv', ['conv', 'seq']);
    if (toFive) store.createIndex(BY_QUOTE, ['conv', 'reply.id']); // version 5's (see toV5)
    for (const m of messages) void store.put({ ...m, conv: `dm:${m.peer}` });
    let cursor = await tx.objectStore('outbox').openCursor();
    while (cursor) {
      const entry = cursor.value as { to: string };
      void cursor.update({ ...entry, kind: 'message', conv: `dm:${entry.to}` });
      cursor = await cursor.continue();
    }
  };
  copy().catch((err) => {
    console.error('parley: could not upgrade the database', err);
    tx.abort();
  });
}
