/**
 * A profile written by version 3 of the app (database version 3: messages keyed by peer, an
 * outbox of bare envelopes) opens in this version in a real Chromium page: its history is in
 * the conversation, its file is listed, and the message its outbox still held goes out and
 * reaches the contact. The v3 database is created by an init script before the app loads, with
 * the v3 schema (the same shape as web/src/storage/db-v3-fixture.ts, written with raw IndexedDB
 * because it runs in the page).
 */
import { sealEnvelope } from '../shared/envelope';
import { loadSodium } from '../shared/sodium';
import { DB_VERSION } from '../web/src/storage/db-version';
import { chatting, expect, test } from './support/fixtures';
import { ParleyUser } from './support/parley-user';

interface V3Profile {
  identity: { username: string; publicKey: number[]; secretKey: number[] };
  contacts: Array<{ username: string; identityKey: string }>;
  messages: Array<Record<string, unknown>>;
  outbox: Array<Record<string, unknown>>;
  transfers: Array<Record<string, unknown>>;
}

/** Runs in the page before the app: writes `profile` into a new database 'parley' at version 3. */
function seedV3(profile: V3Profile): void {
  const open = indexedDB.open('parley', 3);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('identity');
    db.createObjectStore('contacts', { keyPath: 'username' });
    db.createObjectStore('messages', { keyPath: ['peer', 'dir', 'id'] }).createIndex('byPeer', ['peer', 'seq']);
    db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('bySeq', 'seq');
    db.createObjectStore('settings');
    db.createObjectStore('transfers', { keyPath: 'fileId' }).createIndex('byPeer', 'peer');
    const tx = open.transaction!;
    const { identity } = profile;
    tx.objectStore('identity').put(
      { username: identity.username, publicKey: new Uint8Array(identity.publicKey), secretKey: new Uint8Array(identity.secretKey), registered: true },
      'self',
    );
    for (const c of profile.contacts) tx.objectStore('contacts').put(c);
    for (const m of profile.messages) tx.objectStore('messages').put(m);
    for (const e of profile.outbox) tx.objectStore('outbox').put(e);
    for (const r of profile.transfers) tx.objectStore('transfers').put(r);
  };
  // Once a newer version exists this open fails (VersionError): nothing to seed then.
  open.onsuccess = () => open.result.close();
}

/** The identity and contacts in a page's database (any version), keys as plain arrays. */
function readProfile(): Promise<Pick<V3Profile, 'identity' | 'contacts'>> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('parley');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(['identity', 'contacts']);
      const id = tx.objectStore('identity').get('self');
      const contacts = tx.objectStore('contacts').getAll();
      tx.oncomplete = () => {
        const v = id.result;
        resolve({ identity: { username: v.username, publicKey: [...v.publicKey], secretKey: [...v.secretKey] }, contacts: contacts.result });
        open.result.close();
      };
    };
  });
}

test('a version 3 profile opens with its history and file, and the message its outbox held reaches the contact', async ({ openUser, server, browser }) => {
  const [alice, bob] = await chatting(openUser);
  const { identity, contacts } = await alice.page.evaluate(readProfile);
  const bobKey = (await bob.page.evaluate(readProfile)).identity.publicKey;
  await alice.context.close();

  const s = await loadSodium();
  const now = Date.now();
  const queuedId = 'queued-before-upgrade';
  const env = sealEnvelope(s, { from: 'alice', to: 'bob', id: queuedId }, { kind: 'text', text: 'queued before the upgrade' }, new Uint8Array(identity.secretKey), new Uint8Array(bobKey), now);
  const fileId = 'ef'.repeat(16);
  const profile: V3Profile = {
    identity,
    contacts,
    messages: [
      { peer: 'bob', dir: 'in', id: 'old-in-0001', seq: (now - 3000) * 1000, ts: now - 3000, text: 'an old hello from bob', state: 'delivered' },
      { peer: 'bob', dir: 'out', id: 'old-out-001', seq: (now - 2000) * 1000, ts: now - 2000, text: 'an old answer to bob', state: 'delivered' },
      { peer: 'bob', dir: 'out', id: 'old-file-01', seq: (now - 1500) * 1000, ts: now - 1500, text: 'old-report.pdf', file: { fileId, name: 'old-report.pdf', size: 1234, type: 'application/pdf' }, state: 'delivered' },
      { peer: 'bob', dir: 'out', id: queuedId, seq: (now - 1000) * 1000, ts: now, text: 'queued before the upgrade', state: 'sending' },
    ],
    outbox: [{ id: queuedId, to: 'bob', env, seq: (now - 1000) * 1000 }],
    transfers: [
      { fileId, name: 'old-report.pdf', size: 1234, type: 'application/pdf', peer: 'bob', dir: 'out', sha256: '0'.repeat(64), key: 'k', count: 1, next: 1, state: 'done' },
    ],
  };

  const context = await browser.newContext();
  await context.addInitScript(seedV3, profile);
  const page = await context.newPage();
  await page.goto(server.origin);
  const upgraded = new ParleyUser('alice', context, page, server);
  await expect(page.getByText('Signed in as alice')).toBeVisible();
  await upgraded.openChat('bob');
  expect(await upgraded.messageTexts()).toEqual(['an old hello from bob', 'an old answer to bob', 'queued before the upgrade']);
  await expect(upgraded.fileItem('old-report.pdf')).toBeVisible();

  await expect(bob.message('queued before the upgrade')).toBeVisible();
  await expect(upgraded.message('queued before the upgrade')).toContainText('delivered');
  expect(await page.evaluate(() => indexedDB.databases().then((dbs) => dbs.find((d) => d.name === 'parley')?.version))).toBe(DB_VERSION);
  await context.close();
});
