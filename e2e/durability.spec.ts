import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { befriended, expect, test } from './support/fixtures';

/** Every file the server wrote (database, WAL, log), as raw bytes. */
function serverFiles(dir: string): Buffer[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name)));
}

test('messages survive kill -9 of the server: stored ones and ones sent while it was down', async ({ openUser, server }) => {
  const [alice, bob] = await befriended(openUser);
  await alice.openChat('bob');
  await bob.closeTab();
  await expect(alice.contactButton('bob')).toContainText('offline');

  await alice.send('stored one');
  await alice.send('stored two');
  await expect(alice.message('stored two')).toContainText('sent');

  const db = new Database(path.join(server.dataDir, 'parley.sqlite'), { readonly: true });
  expect(db.prepare("SELECT COUNT(*) AS n FROM queue WHERE recipient = 'bob' AND kind = 'msg'").get()).toEqual({ n: 2 });
  db.close();
  await server.kill('SIGKILL');
  // The stored messages are in the server's files, but only as ciphertext.
  for (const bytes of serverFiles(server.dataDir)) {
    expect(bytes.includes('stored one')).toBe(false);
    expect(bytes.includes('stored two')).toBe(false);
  }
  await expect(alice.page.getByRole('alert').filter({ hasText: 'Connecting' })).toBeVisible();
  await alice.send('while down');
  await expect(alice.message('while down')).toContainText('sending');

  await server.restart();
  // The client reconnects by itself and flushes its outbox.
  await expect(alice.message('while down')).toContainText('sent', { timeout: 30_000 });

  await bob.reopen();
  await bob.openChat('alice');
  await expect(bob.message('while down')).toBeVisible();
  expect(await bob.messageTexts()).toEqual(['stored one', 'stored two', 'while down']);
  for (const text of ['stored one', 'stored two', 'while down']) await expect(alice.message(text)).toContainText('delivered');

  // Once more through a crash: nothing comes back twice.
  await server.restart();
  await bob.page.reload();
  await bob.openChat('alice');
  await expect(bob.message('while down')).toBeVisible();
  await bob.page.waitForTimeout(1000);
  expect(await bob.messageTexts()).toEqual(['stored one', 'stored two', 'while down']);
});
