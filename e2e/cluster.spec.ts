/**
 * Cluster mode in real browsers: two server nodes on one real Redis (signaling/test-support/
 * cluster.ts), alice's browser on node 1 and bob's on node 2. The direct path forms through
 * signals routed across the nodes, and the relay carries messages and a file across them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Cluster } from '../signaling/test-support/cluster';
import { Profiles, chatting, expect, test as base } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';

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
    const profiles = new Profiles(browser, playwright.chromium);
    await use((node, name, options) => profiles.open(cluster.node(node), name, options));
    await profiles.dispose();
  },
});

/** `a` on node 1 and `b` on node 2, signed up (names unique in the file: the cluster is shared), contacts, each in the other's chat. */
function chattingAcross(openOn: OpenOn, names: [string, string], bNoUdp = false) {
  return chatting((name, options, i) => openOn(i, name, options), { noUdp: bNoUdp }, names);
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
