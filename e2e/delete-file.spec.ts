/**
 * A deleted file message leaves nothing of its file behind (review finding M2): deleted for
 * everyone by its sender, or for me by its receiver, its bytes (the origin private file system)
 * and its transfer record (IndexedDB) are gone on both sides, also after a reload; a file the
 * server keeps for a contact who is offline, deleted for everyone, is released there at once
 * (its bytes leave the server's gauge) and never reaches the contact.
 */
import { chatting, expect, test } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function randomFile(name: string, bytes: number): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-del-')), name);
  fs.writeFileSync(file, crypto.randomBytes(bytes));
  return file;
}

/** The files this browser's chunk store holds (OPFS). */
const storedFiles = (user: ParleyUser) =>
  user.page.evaluate(async () => {
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('parley-transfers');
    } catch {
      return []; // never created: no file was ever received
    }
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names;
  });

/** The file ids of this browser's transfer records (IndexedDB). */
const transferRecords = (user: ParleyUser) =>
  user.page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('parley');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const keys = db.transaction('transfers').objectStore('transfers').getAllKeys();
          keys.onerror = () => reject(keys.error);
          keys.onsuccess = () => {
            db.close();
            resolve(keys.result as string[]);
          };
        };
      }),
  );

async function act(user: ParleyUser, file: string, action: string): Promise<void> {
  await user.fileItem(file).getByRole('button', { name: 'Message actions' }).click();
  await user.page.getByRole('menuitem', { name: action, exact: true }).click();
}

const deleted = (user: ParleyUser) => user.log.getByRole('listitem').filter({ hasText: 'This message was deleted' });

test('a file deleted for everyone, and one deleted for me: its bytes and records are gone on both sides, after a reload too', async ({ openUser }) => {
  test.setTimeout(60_000);
  const [alice, bob] = await chatting(openUser);
  await alice.attach(randomFile('everyone.bin', 300 * 1024));
  await expect(bob.page.getByRole('link', { name: 'Download everyone.bin' })).toBeVisible({ timeout: 30_000 });
  expect(await storedFiles(bob)).toHaveLength(1);
  const [first] = await transferRecords(bob);
  expect(await transferRecords(alice)).toEqual([first]);

  await act(alice, 'everyone.bin', 'Delete for everyone');
  for (const user of [alice, bob]) await expect(deleted(user)).toHaveCount(1);
  await expect.poll(() => storedFiles(bob)).toEqual([]);
  await expect.poll(() => transferRecords(bob)).toEqual([]);
  await expect.poll(() => transferRecords(alice)).toEqual([]);

  await alice.attach(randomFile('mine.bin', 200 * 1024));
  await expect(bob.page.getByRole('link', { name: 'Download mine.bin' })).toBeVisible({ timeout: 30_000 });
  await expect(alice.fileItem('mine.bin')).toContainText('delivered');
  expect(await storedFiles(bob)).toHaveLength(1);
  await act(bob, 'mine.bin', 'Delete for me');
  await expect(bob.fileItem('mine.bin')).toHaveCount(0);
  await expect.poll(() => storedFiles(bob)).toEqual([]);
  await expect.poll(() => transferRecords(bob)).toEqual([]);
  // The other side keeps theirs.
  expect(await transferRecords(alice)).toHaveLength(1);
  await expect(alice.fileItem('mine.bin')).toBeVisible();

  await bob.page.reload();
  await bob.openChat('alice');
  await expect(deleted(bob)).toHaveCount(1);
  expect(await storedFiles(bob)).toEqual([]);
  expect(await transferRecords(bob)).toEqual([]);
});

test.describe('with the server’s metrics', () => {
  test.use({ serverEnv: { METRICS: 'on' } });

  test('a file kept by the server for an offline contact, deleted for everyone: released there, and never reaches them', async ({ openUser, server }) => {
    test.setTimeout(60_000);
    const storedBytes = async () => {
      const text = await (await fetch(`${server.origin}/metrics`)).text();
      return Number(/^parley_stored_file_bytes (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    };
    const [alice, bob] = await chatting(openUser);
    await bob.closeTab();
    await expect(alice.contactButton('bob')).toContainText('offline');
    await alice.attach(randomFile('while-away.bin', 200 * 1024));
    await expect(alice.fileItem('while-away.bin')).toContainText('Kept on the server');
    expect(await storedBytes()).toBeGreaterThan(200 * 1024);

    await act(alice, 'while-away.bin', 'Delete for everyone');
    await expect(deleted(alice)).toHaveCount(1);
    await expect.poll(storedBytes).toBe(0);
    await expect.poll(() => transferRecords(alice)).toEqual([]);

    await bob.reopen();
    await bob.openChat('alice');
    await alice.send('after the delete');
    await expect(bob.log.getByText('after the delete')).toBeVisible();
    await expect(bob.log.getByText('while-away.bin')).toHaveCount(0);
    expect(await storedFiles(bob)).toEqual([]);
    expect(await transferRecords(bob)).toEqual([]);
  });
});
