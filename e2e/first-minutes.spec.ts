/**
 * Rough edges a new user meets in the first minutes: the page loads without a Content-Security-
 * Policy violation (zod configured jitless before any schema is built) and with a favicon; a
 * pending request is not shown above "No contacts yet"; "Request sent" does not stay once the
 * request is answered; a 32-character username fits a phone's width.
 */
import { expect, test } from './support/fixtures';

test('the page loads with no CSP violation and a favicon', async ({ openUser, server }) => {
  const alice = await openUser('alice');
  const violations: string[] = [];
  alice.page.on('console', (m) => {
    if (/Content.Security.Policy|unsafe-eval/i.test(m.text())) violations.push(m.text());
  });
  await alice.page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content-Security-Policy violated: ${e.violatedDirective}`));
  });
  await alice.page.reload();
  await alice.signUp();
  await alice.page.reload();
  await expect(alice.page.getByText('Signed in as alice')).toBeVisible();
  expect(violations).toEqual([]);
  const icon = await alice.page.locator('link[rel="icon"]').getAttribute('href');
  const res = await alice.page.request.get(new URL(icon!, server.origin).href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('svg');
});

test('a pending request shows instead of "No contacts yet", and "Request sent" goes once it is answered', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  await alice.signUp();
  await bob.signUp();
  await expect(alice.page.getByText(/No contacts yet/)).toBeVisible();
  await alice.page.getByRole('textbox', { name: 'Add contact' }).fill('bob');
  await alice.page.getByRole('button', { name: 'Send request' }).click();
  await expect(alice.page.getByText('Request sent to bob.')).toBeVisible();
  await expect(alice.page.getByText(/No contacts yet/)).toBeHidden();
  await expect(bob.page.getByText(/No contacts yet/)).toBeHidden(); // bob has alice's request to answer
  await bob.page.getByRole('listitem').filter({ hasText: 'alice' }).getByRole('button', { name: 'Accept' }).click();
  await expect(alice.contactButton('bob')).toBeVisible();
  await expect(alice.page.getByText('Request sent to bob.')).toBeHidden();
});

test('a 32-character username fits a phone-sized screen, in the list and in the conversation', async ({ openUser }) => {
  const long = 'a'.repeat(16) + 'b'.repeat(16);
  const other = 'c'.repeat(31) + 'd';
  const [a, b] = [await openUser(long), await openUser(other)];
  for (const u of [a, b]) await u.page.setViewportSize({ width: 375, height: 700 });
  await a.signUp();
  await b.signUp();
  await a.befriend(b);
  const width = () => a.page.evaluate(() => document.documentElement.scrollWidth);
  expect(await width()).toBeLessThanOrEqual(375);
  await a.openChat(other);
  await a.send('a message so the log has a bubble');
  expect(await width()).toBeLessThanOrEqual(375);
});
