import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateKeyPair, publicKeyB64 } from '../shared/identity';
import { loadSodium } from '../shared/sodium';
import { befriended, expect, test } from './support/fixtures';

test('an identity exported with a passphrase (and its display name) can be imported in a fresh browser, and from Settings in place of another account', async ({ openUser }, testInfo) => {
  const [alice, bob] = await befriended(openUser);

  await alice.openSettings();
  await alice.settings.getByRole('textbox', { name: 'Display name' }).fill('Алиса');
  await alice.settings.getByRole('button', { name: 'Save display name' }).click();
  await alice.settings.getByRole('button', { name: 'Export backup' }).click();
  await alice.page.getByLabel('Choose a passphrase for the backup').fill('correct horse battery');
  const downloading = alice.page.waitForEvent('download');
  await alice.page.getByRole('button', { name: 'Download backup' }).click();
  const file = testInfo.outputPath('alice.backup.json');
  await (await downloading).saveAs(file);
  expect(fs.readFileSync(file, 'utf8')).not.toContain('secretKey');
  expect(fs.readFileSync(file, 'utf8')).not.toContain('Алиса');

  const restored = await openUser('alice');
  await restored.page.getByText('Restore from a backup').click();
  await restored.page.getByLabel('Backup file').setInputFiles(file);
  await restored.page.getByLabel('Passphrase').fill('wrong passphrase');
  await restored.page.getByRole('button', { name: 'Restore' }).click();
  await expect(restored.page.getByRole('alert').filter({ hasText: 'Could not restore' })).toBeVisible();
  await restored.page.getByLabel('Passphrase').fill('correct horse battery');
  await restored.page.getByRole('button', { name: 'Restore' }).click();
  await expect(restored.page.getByText('Signed in as alice')).toBeVisible();
  await expect(restored.contactButton('bob')).toBeVisible();
  // The old tab learns that the account moved instead of fighting over the connection.
  await expect(alice.page.getByRole('alert').filter({ hasText: 'now used in another browser' })).toBeVisible();

  await restored.openChat('bob');
  await restored.send('from the restored browser');
  await bob.page.getByRole('button', { name: /^Алиса alice\b/ }).click(); // her row now leads with her display name
  await expect(bob.message('from the restored browser')).toBeVisible();
  await expect(restored.message('from the restored browser')).toContainText('delivered');
  await restored.openSettings();
  await expect(restored.settings.getByRole('textbox', { name: 'Display name' })).toHaveValue('Алиса');

  // In Settings of a browser with another account: a wrong passphrase changes nothing; the right
  // one, confirmed, replaces that account with alice's.
  const dave = await openUser('dave');
  await dave.signUp();
  await dave.openSettings();
  await dave.settings.getByText('Restore from a backup').click();
  await dave.settings.getByLabel('Backup file').setInputFiles(file);
  await dave.settings.getByLabel('Passphrase', { exact: true }).fill('wrong passphrase');
  await dave.settings.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(dave.settings.getByText('export a backup of it first')).toBeVisible();
  await dave.settings.getByRole('button', { name: 'Replace this browser’s account' }).click();
  await expect(dave.settings.getByRole('alert').filter({ hasText: 'Could not restore' })).toBeVisible();
  await expect(dave.page.getByText('Signed in as dave')).toBeVisible();
  await dave.settings.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await dave.settings.getByRole('button', { name: 'Restore', exact: true }).click();
  await dave.settings.getByRole('button', { name: 'Replace this browser’s account' }).click();
  await expect(dave.page.getByText('Signed in as alice')).toBeVisible();
  await expect(dave.contactButton('bob')).toBeVisible();
  await dave.openSettings();
  await expect(dave.settings.getByRole('textbox', { name: 'Display name' })).toHaveValue('Алиса');
});

test("a contact's changed identity key is flagged, not accepted silently", async ({ openUser, server }) => {
  const [alice, bob] = await befriended(openUser);
  await alice.openChat('bob');
  await alice.send('before the change');
  await expect(alice.message('before the change')).toContainText('delivered');

  // A malicious or broken server now hands out another key for bob.
  const sodium = await loadSodium();
  const db = new Database(path.join(server.dataDir, 'parley.sqlite'));
  db.prepare('UPDATE users SET identity_key = ? WHERE username = ?').run(publicKeyB64(sodium, generateKeyPair(sodium)), 'bob');
  db.close();

  await alice.page.reload();
  await expect(alice.contactButton('bob')).toContainText('key changed');
  await alice.openChat('bob');
  await expect(alice.page.getByRole('alert').filter({ hasText: "bob's safety number has changed" })).toBeVisible();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  await expect(alice.page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();

  await alice.page.getByRole('button', { name: 'Accept new safety number' }).click();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await expect(alice.contactButton('bob')).not.toContainText('key changed');
});

test('a request refused by the server is explained in words, never in the server’s English', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  await alice.signUp();
  await bob.signUp();
  await alice.page.getByRole('textbox', { name: 'Add contact' }).fill('bob');
  await alice.page.getByRole('button', { name: 'Send request' }).click();
  await bob.page.getByRole('listitem').filter({ hasText: 'alice' }).getByRole('button', { name: 'Decline' }).click();
  // Asking again at once meets the cooldown after a decline.
  await alice.page.getByRole('textbox', { name: 'Add contact' }).fill('bob');
  await alice.page.getByRole('button', { name: 'Send request' }).click();
  await expect(alice.page.getByText('They declined your request recently')).toBeVisible();
  await expect(alice.page.getByText('bob declined your request recently')).toHaveCount(0); // the server's own message
  await expect(bob.page.getByRole('listitem').filter({ hasText: 'alice' })).toHaveCount(0);
});
