/**
 * The version 3 schema exactly as that version of the app wrote it (web/src/services/db.ts at
 * commit d8b198b), for the migration tests: a profile written with this code must open in the
 * current version with nothing lost. Do not "fix" it; it is a record of the past.
 */
import { type IDBPDatabase, openDB } from 'idb';

export interface V3Message {
  peer: string;
  dir: 'in' | 'out';
  id: string;
  seq: number;
  ts: number;
  text: string;
  file?: { fileId: string; name: string; size: number; type: string };
  state: 'sending' | 'sent' | 'delivered' | 'failed';
  error?: string;
}

export interface V3OutboxEntry {
  id: string;
  to: string;
  env: string;
  seq: number;
}

export function openV3(name = 'parley'): Promise<IDBPDatabase> {
  return openDB(name, 3, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('identity');
        db.createObjectStore('contacts', { keyPath: 'username' });
        const messages = db.createObjectStore('messages', { keyPath: ['peer', 'dir', 'id'] });
        messages.createIndex('byPeer', ['peer', 'seq']);
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('bySeq', 'seq');
        db.createObjectStore('settings');
      }
      if (oldVersion < 2) db.createObjectStore('transfers', { keyPath: 'fileId' }).createIndex('byPeer', 'peer');
      if (oldVersion === 2) db.deleteObjectStore('chunks');
    },
  });
}
