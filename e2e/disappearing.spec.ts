/**
 * Disappearing messages between two people: alice sets "1 day" in the conversation's details
 * (shortened to a few seconds by the page's test switch, conversations/disappearing.ts), both see
 * the sealed notice and bob's choice follows it; alice sends, bob reads it at once (the
 * conversation is open), both show the timer mark, and after the timer the message is gone on both
 * sides, and stays gone after a reload. A second one whose time passes while both tabs are closed
 * is gone when they open again.
 */
import type { Page } from '@playwright/test';
import { chatting, expect, test } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';

/** What "1 day" lasts on these pages, in ms. */
const DAY_MS = 10_000;

/** The test switch: every timer lasts DAY_MS per day on this page (read whenever a timer starts). */
async function shortenTimers(page: Page): Promise<void> {
  await page.evaluate((scale) => localStorage.setItem('parley:test:disappearing-scale', String(scale)), DAY_MS / 86_400_000);
}

const choice = (u: ParleyUser) => u.page.getByRole('combobox', { name: 'Disappearing messages' });

test('a 1-day timer set by one side deletes what is sent on both sides after it, also across a reload and a closed tab', async ({ openUser }) => {
  test.setTimeout(120_000);
  const [alice, bob] = await chatting(openUser);
  for (const u of [alice, bob]) await shortenTimers(u.page);

  await alice.page.getByRole('button', { name: 'Contact details' }).click();
  await expect(choice(alice)).toHaveValue('0'); // "Off"
  await choice(alice).selectOption({ label: '1 day' });
  for (const u of [alice, bob]) await expect(u.log.getByText('alice set disappearing messages to 1 day', { exact: true })).toBeVisible();
  // Bob's choice follows the notice.
  await bob.page.getByRole('button', { name: 'Contact details' }).click();
  await expect(choice(bob).locator('option:checked')).toHaveText('1 day');

  await alice.send('this will vanish');
  const sentAt = Date.now();
  for (const u of [alice, bob]) {
    await expect(u.message('this will vanish')).toBeVisible();
    await expect(u.message('this will vanish').getByRole('img', { name: 'Disappearing message: 1 day' })).toBeVisible();
  }
  // Not gone before its time (checked while most of it is still ahead).
  expect(Date.now() - sentAt).toBeLessThan(DAY_MS - 1_000);
  for (const u of [alice, bob]) await expect(u.message('this will vanish')).toHaveCount(0, { timeout: DAY_MS + 10_000 });
  for (const u of [alice, bob]) {
    await u.page.reload();
    await expect(u.page.getByText(`Signed in as ${u.name}`)).toBeVisible();
    await u.openChat(u === alice ? 'bob' : 'alice');
    await expect(u.log.getByText('alice set disappearing messages to 1 day', { exact: true })).toBeVisible();
    await expect(u.message('this will vanish')).toHaveCount(0);
  }

  // Bob replies under the same timer; both close their tabs before it ends, and open them after.
  await bob.send('gone while closed');
  for (const u of [alice, bob]) await expect(u.message('gone while closed')).toBeVisible();
  for (const u of [alice, bob]) await u.closeTab();
  await new Promise((r) => setTimeout(r, DAY_MS + 1_000));
  for (const u of [alice, bob]) {
    await u.reopen();
    await u.openChat(u === alice ? 'bob' : 'alice');
    await expect(u.log.getByText('alice set disappearing messages to 1 day', { exact: true })).toBeVisible();
    await expect(u.message('gone while closed')).toHaveCount(0);
  }
});
