/**
 * Disappearing messages in a group, three users: alice (the owner) sets "1 day" in the group's
 * details (shortened to a few seconds by the page's test switch, conversations/disappearing.ts);
 * bob and carol see the sealed notice, and in their details the setting as words with no control
 * (only owners and admins may change it). A message alice sends then shows the timer mark on all
 * three and is gone on all three after the timer, and stays gone after a reload.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { addMembers, createGroup, openGroup } from './support/group-ui';
import type { ParleyUser } from './support/parley-user';

const GROUP = 'Brief';
/** What "1 day" lasts on these pages, in ms. */
const DAY_MS = 10_000;
const NOTICE = 'alice set disappearing messages to 1 day';

/** The test switch: every timer lasts DAY_MS per day on this page (read whenever a timer starts). */
async function shortenTimers(page: Page): Promise<void> {
  await page.evaluate((scale) => localStorage.setItem('parley:test:disappearing-scale', String(scale)), DAY_MS / 86_400_000);
}

const choice = (u: ParleyUser) => u.page.getByRole('combobox', { name: 'Disappearing messages' });
const details = (u: ParleyUser) => u.page.getByRole('button', { name: 'Group details' });

test('the owner’s 1-day timer reaches every member, deletes what is sent on all three after it, and a member cannot change it', async ({ openUser }) => {
  test.setTimeout(150_000);
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  await alice.befriend(bob);
  await alice.befriend(carol);
  await createGroup(alice, GROUP);
  await addMembers(alice, ['bob', 'carol']);
  for (const u of [bob, carol]) await openGroup(u, GROUP);
  for (const u of [alice, bob, carol]) await shortenTimers(u.page);

  // The owner chooses in the group's details.
  await expect(choice(alice)).toHaveValue('0'); // "Off"
  await choice(alice).selectOption({ label: '1 day' });
  for (const u of [alice, bob, carol]) await expect(u.log.getByText(NOTICE, { exact: true })).toBeVisible();

  // A plain member sees the setting, and has no control to change it.
  for (const u of [bob, carol]) {
    await details(u).click();
    const region = u.page.getByRole('region', { name: 'Group details' });
    await expect(region.getByText('Disappearing messages: 1 day', { exact: true })).toBeVisible();
    await expect(region.getByText('Only the group’s owner and admins can change it.')).toBeVisible();
    await expect(choice(u)).toHaveCount(0);
    await details(u).click();
  }

  await alice.send('this will vanish');
  const sentAt = Date.now();
  for (const u of [alice, bob, carol]) {
    await expect(u.message('this will vanish')).toBeVisible();
    await expect(u.message('this will vanish').getByRole('img', { name: 'Disappearing message: 1 day' })).toBeVisible();
  }
  // Not gone before its time (checked while most of it is still ahead).
  expect(Date.now() - sentAt).toBeLessThan(DAY_MS - 1_000);
  for (const u of [alice, bob, carol]) await expect(u.message('this will vanish')).toHaveCount(0, { timeout: DAY_MS + 10_000 });
  for (const u of [alice, bob, carol]) {
    await u.page.reload();
    await expect(u.page.getByText(`Signed in as ${u.name}`)).toBeVisible();
    await openGroup(u, GROUP);
    await expect(u.log.getByText(NOTICE, { exact: true })).toBeVisible();
    await expect(u.message('this will vanish')).toHaveCount(0);
  }
});
