/**
 * The installable app (issue 13, item 2): Chromium's installability check passes, the service
 * worker opens Parley with no network (history shown, a message written offline waits in the
 * outbox and goes out when the network returns), and a new build waits for "Reload".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { chatting, expect, test } from './support/fixtures';

/** Resolves once a service worker is active for the page's scope (it controls the next load). */
async function serviceWorkerActive(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? 'none')).toBe('activated');
}

test('installable; with no network it opens from the service worker, shows history, and sends what was written once the network is back', async ({ openUser }) => {
  // alice in a persistent profile: Chromium never calls an incognito one installable.
  const [bob, alice] = await chatting(openUser, { noUdp: true }, ['bob', 'alice']);
  await alice.send('before going offline');
  await expect(bob.message('before going offline')).toBeVisible();
  await serviceWorkerActive(alice.page);

  // Chromium's own installability check: a manifest with name, start URL, display and icons,
  // served over a secure origin (loopback), with a service worker that handles fetches.
  const cdp = await alice.context.newCDPSession(alice.page);
  await expect.poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.errors).toEqual([]);

  await alice.context.setOffline(true);
  await alice.page.reload();
  await expect(alice.page.getByRole('alert')).toBeVisible(); // connecting / offline: no server
  await alice.openChat('bob');
  await expect(alice.message('before going offline')).toBeVisible();
  await alice.send('written offline');
  await expect(alice.message('written offline')).toBeVisible();
  await alice.page.waitForTimeout(1500);
  await expect(bob.message('written offline')).toHaveCount(0);

  await alice.context.setOffline(false);
  await expect(bob.message('written offline')).toBeVisible({ timeout: 30_000 });
  await expect(alice.message('written offline')).toContainText('delivered');
});

test.describe('a new build on the server', () => {
  // A copy of the built app this test may change, as a deployment would.
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  fs.cpSync(path.resolve(import.meta.dirname, '../web/dist'), webDir, { recursive: true });
  test.use({ serverEnv: { WEB_DIR: webDir } });
  test.afterAll(() => fs.rmSync(webDir, { recursive: true, force: true }));

  test('waits until "Reload": "A new version is available" shows, and Reload brings the tab onto it', async ({ openUser, server }) => {
    const alice = await openUser('alice');
    await alice.signUp();
    await serviceWorkerActive(alice.page);
    // Controlled from this load on: a new worker now waits instead of taking over by itself.
    await alice.page.reload();
    await expect.poll(() => alice.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const prompt = alice.page.getByRole('status').filter({ hasText: 'A new version is available' });
    await expect(prompt).toHaveCount(0);

    // A new build deployed: the service worker's precache list names another index.html, and the
    // server restarts onto it (its static handler reads each file's size and ETag at start).
    const sw = path.join(webDir, 'sw.js');
    const script = fs.readFileSync(sw, 'utf8');
    const next = script.replace(/(url:"index\.html",revision:")([0-9a-f]+)/, (_all, head: string, hash: string) => head + [...hash].reverse().join(''));
    expect(next).not.toBe(script);
    fs.writeFileSync(sw, next);
    await server.restart('SIGTERM');
    await alice.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(prompt).toBeVisible();
    // Nothing changes by itself: the tab still runs the old worker, the new one waits.
    expect(await alice.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe('installed');

    await alice.page.evaluate(() => ((window as unknown as { beforeReload: boolean }).beforeReload = true));
    const reloaded = alice.page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    expect(await alice.page.evaluate(() => (window as unknown as { beforeReload?: boolean }).beforeReload ?? false)).toBe(false);
    await expect(alice.page.getByRole('textbox', { name: 'Add contact' })).toBeVisible();
    expect(await alice.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    await expect(prompt).toHaveCount(0);
  });
});
