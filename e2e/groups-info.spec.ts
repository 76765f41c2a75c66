// "Message info" in real Chromium against the real server (issue 12, item 4), three users: alice
// posts in a group; bob has the group open (he reads it), carol is offline. alice's "Message info"
// for her message lists bob under "Read by" and carol under "Not yet delivered"; the open dialog
// follows as carol comes back with the group closed ("Delivered to": her device stored it) and then
// opens it ("Read by"). Escape and Close close it; a member's message offers no "Message info".
import type { Locator } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { addMembers, createGroup, openGroup } from './support/group-ui';
import type { ParleyUser } from './support/parley-user';

const GROUP = 'Receipts crew';

/** The item of the message whose own text is `text`. */
const bubble = (user: ParleyUser, text: string): Locator =>
  user.log.getByRole('listitem').filter({ has: user.page.locator('p').filter({ hasText: new RegExp(`^${text}$`) }) });

/** The names listed under `heading` in the dialog. */
const listed = (dialog: Locator, heading: string) => dialog.getByRole('list', { name: heading }).getByRole('listitem');

async function openInfo(user: ParleyUser, text: string): Promise<Locator> {
  await bubble(user, text).getByRole('button', { name: 'Message actions' }).click();
  await user.page.getByRole('menuitem', { name: 'Message info', exact: true }).click();
  const dialog = user.page.getByRole('dialog', { name: 'Message info' });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('Message info lists who read and who only has a group message, and follows a new read live', async ({ openUser }) => {
  test.setTimeout(120_000);
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  await alice.befriend(bob);
  await alice.befriend(carol);
  await createGroup(alice, GROUP);
  await addMembers(alice, ['bob', 'carol']);
  await alice.page.getByRole('button', { name: 'Group details' }).click();
  await openGroup(bob, GROUP);
  // carol is in the group (it is in her list) but does not open it.
  await expect(carol.page.getByRole('button', { name: new RegExp(`^${GROUP}\\b`) })).toBeVisible();

  // carol goes offline: the message waits for her on the server.
  await carol.closeTab();
  await alice.send('who has this');
  await expect(bubble(bob, 'who has this')).toBeVisible();
  await expect(bubble(alice, 'who has this')).toContainText(/sent|delivered/);

  const dialog = await openInfo(alice, 'who has this');
  await expect(listed(dialog, 'Read by')).toHaveText(['bob']);
  await expect(listed(dialog, 'Not yet delivered')).toHaveText(['carol']);
  await expect(dialog.getByRole('list', { name: 'Delivered to' })).toHaveCount(0);

  // carol comes back without opening the group: her device stores it, and the open dialog follows.
  await carol.reopen();
  await expect(carol.page.getByRole('button', { name: new RegExp(`^${GROUP}\\b`) })).toBeVisible();
  await expect(listed(dialog, 'Delivered to')).toHaveText(['carol'], { timeout: 15_000 });
  await expect(dialog.getByRole('list', { name: 'Not yet delivered' })).toHaveCount(0);
  await expect(listed(dialog, 'Read by')).toHaveText(['bob']);

  // carol opens the group and sees the message: the open dialog follows.
  await openGroup(carol, GROUP);
  await expect(bubble(carol, 'who has this')).toBeVisible();
  await expect(listed(dialog, 'Read by')).toHaveText(['bob', 'carol'], { timeout: 15_000 });
  await expect(dialog.getByRole('list', { name: 'Delivered to' })).toHaveCount(0);
  await alice.page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Close works too; and it is only for one's own messages: bob's menu on alice's message has none.
  await openInfo(alice, 'who has this');
  await alice.page.getByRole('dialog', { name: 'Message info' }).getByRole('button', { name: 'Close' }).click();
  await expect(alice.page.getByRole('dialog', { name: 'Message info' })).toBeHidden();
  await bubble(bob, 'who has this').getByRole('button', { name: 'Message actions' }).click();
  await expect(bob.page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'Message info' })).toHaveCount(0);
});
