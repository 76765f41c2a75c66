// Files dropped on a conversation are sent, in a 1:1 chat and in a group (each goes up once for
// the group), and the "Drop to send" overlay shows while they are dragged over it.
import crypto from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { createGroup, member, members, openGroup } from './support/group-ui';

/** Drags a text file `name` over `target` and drops it there, as a file manager would. */
async function dropFile(page: Page, target: string, name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t!], n!, { type: 'text/plain' }));
    return dt;
  }, [name, text]);
  await page.dispatchEvent(target, 'dragover', { dataTransfer: transfer });
  await expect(page.locator(target).locator('.drop')).toBeVisible();
  await page.dispatchEvent(target, 'drop', { dataTransfer: transfer });
  await expect(page.locator(target).locator('.drop')).toHaveCount(0);
}

test('a file dropped on a 1:1 chat and one dropped on a group are sent, and each arrives intact', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  for (const u of [alice, bob]) await u.signUp();
  await alice.befriend(bob);
  const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

  await alice.openChat('bob');
  await bob.openChat('alice');
  const direct = `to bob ${crypto.randomBytes(6).toString('hex')}`;
  await dropFile(alice.page, 'parley-conversation', 'dropped-dm.txt', direct);
  await expect(bob.page.getByRole('link', { name: 'Download dropped-dm.txt' })).toBeVisible();
  expect(crypto.createHash('sha256').update(await bob.download('dropped-dm.txt')).digest('hex')).toBe(sha(direct));

  await createGroup(alice, 'Drop zone');
  await members(alice);
  await alice.page.getByRole('button', { name: 'Add members' }).click();
  await alice.page.getByRole('checkbox', { name: 'bob' }).check();
  await alice.page.getByRole('button', { name: 'Add to group' }).click();
  await expect(await member(alice, 'bob')).toContainText('member');
  await openGroup(bob, 'Drop zone');
  const grouped = `to the group ${crypto.randomBytes(6).toString('hex')}`;
  await dropFile(alice.page, 'parley-group-conversation', 'dropped-group.txt', grouped);
  await expect(bob.fileItem('dropped-group.txt')).toBeVisible();
  expect(crypto.createHash('sha256').update(await bob.download('dropped-group.txt')).digest('hex')).toBe(sha(grouped));
});
