/**
 * Cluster mode in real browsers: two server nodes on one real Redis (signaling/test-support/
 * cluster.ts), alice's browser on node 1 and bob's on node 2. The direct path forms through
 * signals routed across the nodes, and the relay carries messages and a file across them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { Cluster } from '../signaling/test-support/cluster';
import { NO_UDP_PREFERENCES, CHROMIUM_ARGS, CHROMIUM_PATH } from './support/chromium';
import { expect, test as base } from './support/fixtures';
import { ParleyUser } from './support/parley-user';
import { installRtcProbe } from './support/rtc-probe';

type OpenOn = (node: number, name: string, options?: { noUdp?: boolean }) => Promise<ParleyUser>;

// One cluster for the file's tests (starting Redis and two nodes takes seconds); each test signs up its own users.
const test = base.extend<{ openOn: OpenOn }, { cluster: Cluster }>({
  cluster: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const cluster = await Cluster.start({ nodes: 2 });
      await use(cluster);
      const errors = cluster.errors();
      await cluster.dispose();
      expect(errors).toEqual([]);
    },
    { scope: 'worker' },
  ],
  openOn: async ({ browser, playwright, cluster }, use) => {
    const contexts: BrowserContext[] = [];
    const profiles: string[] = [];
    await use(async (node, name, options = {}) => {
      let context: BrowserContext;
      if (options.noUdp) {
        // A profile that gathers no ICE candidates: no direct path can form (see ../shared DESIGN "Testing WebRTC").
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-noudp-'));
        profiles.push(dir);
        fs.mkdirSync(path.join(dir, 'Default'));
        fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(NO_UDP_PREFERENCES));
        context = await playwright.chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
      } else {
        context = await browser.newContext();
      }
      contexts.push(context);
      await context.addInitScript(installRtcProbe);
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (err) => console.error(`[${name} page error]`, err.message));
      const server = cluster.node(node);
      await page.goto(server.origin);
      return new ParleyUser(name, context, page, server);
    });
    for (const c of contexts) await c.close().catch(() => undefined);
    for (const dir of profiles) fs.rmSync(dir, { recursive: true, force: true });
  },
});

/** `a` on node 1 and `b` on node 2, signed up (names unique in the file: the cluster is shared), contacts, each in the other's chat. */
async function chattingAcross(openOn: OpenOn, [a, b]: [string, string], bNoUdp = false) {
  const first = await openOn(0, a);
  const second = await openOn(1, b, { noUdp: bNoUdp });
  await first.signUp();
  await second.signUp();
  await first.befriend(second);
  await first.openChat(b);
  await second.openChat(a);
  return [first, second] as const;
}

test('two browsers on two nodes talk directly: signals cross the nodes and the data channel carries the messages', async ({ openOn }) => {
  const [alice, bob] = await chattingAcross(openOn, ['alice', 'bob']);
  await expect(alice.contactButton('bob')).toContainText('online');
  await expect(alice.connectionPath()).toHaveText('direct', { timeout: 30_000 });
  await expect(bob.connectionPath()).toHaveText('direct', { timeout: 30_000 });
  // Counted below are message envelopes: read receipts (envelopes too) would add a varying number.
  for (const u of [alice, bob]) await u.setSetting('Send read receipts', false);
  const before = await alice.rtc();
  await alice.send('direct across nodes');
  await bob.send('and back');
  await expect(bob.message('direct across nodes')).toBeVisible();
  await expect(alice.message('and back')).toBeVisible();
  await expect(alice.message('direct across nodes')).toContainText('delivered');
  expect((await alice.rtc()).sentEnvelopes - before.sentEnvelopes).toBe(1);
});

test('two browsers on two nodes without a direct path: messages and a file go through the relay across the nodes', async ({ openOn }) => {
  const [alice, bob] = await chattingAcross(openOn, ['amy', 'ben'], true);
  await expect(alice.connectionPath()).toHaveText('relay');
  for (let i = 1; i <= 3; i++) {
    await alice.send(`relayed ${i}`);
    await bob.send(`reply ${i}`);
  }
  for (let i = 1; i <= 3; i++) {
    await expect(alice.message(`relayed ${i}`)).toContainText('delivered');
    await expect(bob.message(`reply ${i}`)).toContainText('delivered');
  }
  expect((await bob.messageTexts()).filter((t) => t.startsWith('relayed'))).toEqual(['relayed 1', 'relayed 2', 'relayed 3']);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cluster-file-'));
  const file = path.join(dir, 'across.bin');
  const bytes = Buffer.alloc(300_000, 7);
  fs.writeFileSync(file, bytes);
  try {
    await alice.attach(file);
    await expect(bob.page.getByRole('link', { name: 'Download across.bin' })).toBeVisible({ timeout: 30_000 });
    expect((await bob.download('across.bin')).equals(bytes)).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect((await alice.rtc()).sentEnvelopes + (await bob.rtc()).sentEnvelopes).toBe(0);
});
