// Broadcast lists (issue 13 item 4), in real browsers against a real server: alice makes a list of
// bob, carol and dave; one message written there reaches each of them as an ordinary 1:1 message
// from alice (no list, no other recipient shown to them); each replies, and the replies come into
// alice's 1:1 chats, not the broadcast view, which says the message was delivered to all three.
// A file sent to the list reaches a recipient as in a 1:1 chat. Editing the list (rename, drop a
// recipient) counts from the next message; deleting it leaves the 1:1 copies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';

const TEXT = 'Hike on Saturday, meet at nine';

test('a broadcast reaches three contacts as separate 1:1 chats, and their replies come back 1:1', async ({ openUser }) => {
  test.setTimeout(180_000);
  const alice = await openUser('alice');
  const others: ParleyUser[] = [];
  for (const name of ['bob', 'carol', 'dave']) others.push(await openUser(name));
  const [bob, carol, dave] = others as [ParleyUser, ParleyUser, ParleyUser];
  await alice.signUp();
  for (const u of others) await u.signUp();
  for (const u of others) await alice.befriend(u);

  // "New broadcast": a name and three contacts picked by name.
  await alice.page.getByRole('button', { name: 'New broadcast' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'New broadcast' });
  await dialog.getByRole('textbox', { name: 'Broadcast name' }).fill('Hikers');
  for (const u of others) await dialog.getByRole('checkbox', { name: u.name }).check();
  await dialog.getByRole('button', { name: 'Create broadcast' }).click();
  const row = alice.page.getByRole('button', { name: /^Hikers\b/ });
  await expect(row).toBeVisible();
  await expect(alice.page.getByRole('heading', { name: /^Hikers/ })).toContainText('3 recipients');

  await alice.send(TEXT);
  const sent = alice.page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: TEXT });
  await expect(sent).toBeVisible();

  // Each recipient has it as a 1:1 message from alice, and knows nothing of the list; each replies.
  for (const u of others) {
    await expect(u.page.getByRole('button', { name: /Hikers/ })).toHaveCount(0);
    await u.openChat('alice');
    await expect(u.message(TEXT)).toBeVisible();
    expect(await u.messageTexts()).toEqual([TEXT]);
    await u.send(`${u.name} is in`);
  }

  // The broadcast view counts the copies, read from the 1:1 chats; the replies are not there.
  await expect(sent).toContainText('Delivered to 3 of 3');
  await sent.getByText('Message info').click();
  for (const u of others) await expect(sent.getByRole('listitem').filter({ hasText: u.name })).toContainText(/delivered|read/);
  // (The conversation list's row for bob previews his reply: the broadcast view is the main pane.)
  await expect(alice.page.getByRole('main').getByText('is in')).toHaveCount(0);

  // Each 1:1 chat of alice's holds her copy and that contact's reply.
  for (const u of others) {
    await alice.openChat(u.name);
    await expect(alice.message(`${u.name} is in`)).toBeVisible();
    expect(await alice.messageTexts()).toEqual([TEXT, `${u.name} is in`]);
  }

  // A file sent to the list reaches a recipient as in a 1:1 chat.
  await row.click();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-broadcast-'));
  const file = path.join(dir, 'route.txt');
  fs.writeFileSync(file, 'north ridge, then the lake\n');
  await alice.attach(file);
  await expect(bob.page.getByRole('link', { name: 'Download route.txt' })).toBeVisible({ timeout: 30_000 });
  expect((await bob.download('route.txt')).toString()).toBe('north ridge, then the lake\n');

  // Edited (renamed, dave dropped), the list sends to bob and carol only from now on.
  await alice.page.getByRole('button', { name: 'Edit broadcast' }).click();
  const edit = alice.page.getByRole('dialog', { name: 'Edit broadcast' });
  await edit.getByRole('textbox', { name: 'Broadcast name' }).fill('Climbers');
  await edit.getByRole('checkbox', { name: 'dave' }).uncheck();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(alice.page.getByRole('heading', { name: /^Climbers/ })).toContainText('2 recipients');
  await alice.send('Ropes too');
  await expect(carol.message('Ropes too')).toBeVisible();
  await expect(bob.message('Ropes too')).toBeVisible();
  await expect(alice.page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Ropes too' })).toContainText('Delivered to 2 of 2');
  await expect(dave.message('Ropes too')).toHaveCount(0);
  await expect(dave.fileItem('route.txt')).toBeVisible();

  // "Delete broadcast": the list goes, the 1:1 copies stay.
  await alice.page.getByRole('button', { name: 'Delete broadcast' }).click();
  await alice.page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(alice.page.getByRole('button', { name: /^Climbers\b/ })).toHaveCount(0);
  await alice.openChat('carol');
  await expect(alice.message('Ropes too')).toBeVisible();
  await expect(alice.message(TEXT)).toBeVisible();
});
