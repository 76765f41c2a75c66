/**
 * Operator announcements (issue 13 item 5): one user online sees it live, another logs in later
 * and sees it; both dismiss, and after a reload neither sees it again.
 */
import { expect, test } from './support/fixtures';

const SECRET = 'e2e-admin-secret-0123456789';
test.use({ serverEnv: { ADMIN_SECRET: SECRET } });

test('an announcement is seen once by an online and an offline user', async ({ openUser, server }) => {
  const alice = await openUser('alice');
  await alice.signUp();
  const bob = await openUser('bob');
  await bob.signUp();
  await bob.closeTab();

  const text = 'Maintenance tonight at 22:00 <b>UTC</b>';
  const res = await fetch(`${server.origin}/admin/announcements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(res.status).toBe(200);

  const region = (u: typeof alice) => u.page.getByRole('region', { name: 'Announcement from the server' });
  // Live, shown as text (the markup is not HTML).
  await expect(region(alice)).toContainText(text);
  await bob.reopen();
  await expect(region(bob)).toContainText(text);

  for (const u of [alice, bob]) {
    await region(u).getByRole('button', { name: 'Dismiss' }).click();
    await expect(region(u)).toHaveCount(0);
  }
  for (const u of [alice, bob]) {
    await u.page.reload();
    await expect(u.page.getByText(`Signed in as ${u.name}`)).toBeVisible();
    // The announcements frame comes right after the welcome: give it time to have come.
    await u.page.waitForTimeout(1000);
    await expect(region(u)).toHaveCount(0);
  }
});
