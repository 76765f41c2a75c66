/**
 * TURN with short-lived credentials, in real Chromium: coturn on loopback (--use-auth-secret, and
 * --allow-loopback-peers for the test only), the server minting each user's credential, and the
 * page's test switch (direct-channel.ts, ICE_RELAY_TEST_SWITCH) forcing iceTransportPolicy
 * 'relay', so the only way a data channel can open is through the TURN server. A connection made
 * after the server refreshed the credentials (ice_servers) is configured with the refreshed one.
 */
import type { Page } from '@playwright/test';
import { CoturnProcess } from '../signaling/test-support/coturn-process';
import { expect, test as base } from './support/fixtures';
import type { OpenUser } from './support/fixtures';

const test = base.extend<{ turn: CoturnProcess; wrongSecret: boolean; refreshFraction: string }>({
  wrongSecret: [false, { option: true }],
  /** TURN_REFRESH_FRACTION: the server's default unless a test asks for early refreshes. */
  refreshFraction: ['0.75', { option: true }],
  turn: async ({}, use) => {
    const turn = await CoturnProcess.start();
    await use(turn);
    await turn.dispose();
  },
  serverEnv: async ({ turn, wrongSecret, refreshFraction }, use) => {
    await use({
      // UDP only: one relay candidate per side keeps the check simple.
      TURN_URLS: turn.urls[0]!,
      // A secret coturn does not know: every credential the server mints is refused (401).
      TURN_SECRET: wrongSecret ? 'a-secret-coturn-has-never-heard-of' : turn.secret,
      TURN_TTL_SECONDS: refreshFraction === '0.75' ? '600' : '60',
      TURN_REFRESH_FRACTION: refreshFraction,
    });
  },
});

/** Switches the page to relay-only ICE and keeps every RTCPeerConnection it makes, for getStats. */
async function relayIceOnly(page: Page): Promise<void> {
  await page.evaluate(() => {
    localStorage.setItem('parley:test:ice-relay', '1');
    const w = window as unknown as { __pcs: RTCPeerConnection[]; RTCPeerConnection: typeof RTCPeerConnection };
    w.__pcs = [];
    const Prev = w.RTCPeerConnection;
    w.RTCPeerConnection = class extends Prev {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__pcs.push(this);
      }
    };
  });
}

/** The candidate types of the selected pair of the page's connected peer connection, and its ICE policy. */
function selectedPair(page: Page): Promise<{ local: string; remote: string; policy: string } | undefined> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    for (const pc of pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = await pc.getStats();
      let pairId: string | undefined;
      stats.forEach((s) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      });
      const pair = pairId ? stats.get(pairId) : undefined;
      if (!pair) continue;
      return {
        local: stats.get(pair.localCandidateId)?.candidateType,
        remote: stats.get(pair.remoteCandidateId)?.candidateType,
        policy: pc.getConfiguration().iceTransportPolicy ?? 'all',
      };
    }
    return undefined;
  });
}

async function relayOnlyPair(openUser: OpenUser) {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  await relayIceOnly(alice.page);
  await relayIceOnly(bob.page);
  await alice.signUp();
  await bob.signUp();
  await alice.befriend(bob);
  await alice.openChat('bob');
  await bob.openChat('alice');
  return [alice, bob] as const;
}

test('the data channel opens through TURN: the selected pair is relay on both sides, the hellos verify, messages flow', async ({ openUser }) => {
  const [alice, bob] = await relayOnlyPair(openUser);
  // 'direct' is shown only once both DTLS-fingerprint hellos verified (the binding check).
  await expect(alice.connectionPath()).toHaveText('direct', { timeout: 20_000 });
  await expect(bob.connectionPath()).toHaveText('direct', { timeout: 20_000 });
  for (const page of [alice.page, bob.page]) {
    await expect.poll(() => selectedPair(page)).toEqual({ local: 'relay', remote: 'relay', policy: 'relay' });
  }
  const before = await alice.rtc();
  await alice.send('through turn');
  await bob.send('back through turn');
  await expect(bob.message('through turn')).toBeVisible();
  await expect(alice.message('back through turn')).toBeVisible();
  await expect(alice.message('through turn')).toContainText('delivered');
  // Her message went on the data channel; so may, depending on timing, her read receipt for bob's
  // reply (batched for 300 ms after it shows on her screen).
  const sent = (await alice.rtc()).sentEnvelopes - before.sentEnvelopes;
  expect(sent).toBeGreaterThanOrEqual(1);
  expect(sent).toBeLessThanOrEqual(2);
});

test.describe('with credentials coturn refuses', () => {
  test.use({ wrongSecret: true });

  test('no relay candidate forms, the contacts stay on the WebSocket relay and messages still flow both ways', async ({ openUser }) => {
    const [alice, bob] = await relayOnlyPair(openUser);
    await alice.send('over the websocket');
    await bob.send('back over the websocket');
    await expect(bob.message('over the websocket')).toBeVisible();
    await expect(alice.message('back over the websocket')).toBeVisible();
    await expect(alice.message('over the websocket')).toContainText('delivered');
    // Past the 10 s connect timeout of the first attempt: still the relay, and no channel carried anything.
    await alice.page.waitForTimeout(11_000);
    await expect(alice.connectionPath()).toHaveText('relay');
    await expect(bob.connectionPath()).toHaveText('relay');
    expect((await alice.rtc()).sentEnvelopes + (await bob.rtc()).sentEnvelopes).toBe(0);
    expect(await selectedPair(alice.page)).toBeUndefined();
  });
});

test.describe('with credentials refreshed every 6 s (TTL 60 s)', () => {
  test.use({ refreshFraction: '0.1' });

  test('a connection made after a refresh uses the refreshed credential, and opens through TURN', async ({ openUser }) => {
    const alice = await openUser('alice');
    const bob = await openUser('bob');
    // The TURN usernames ("<expiry>:<user>") of every ice_servers frame alice's page receives.
    const refreshed: string[] = [];
    alice.page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const f = JSON.parse(String(payload)) as { t: string; iceServers?: Array<{ username?: string }> };
        if (f.t === 'ice_servers') refreshed.push(...(f.iceServers ?? []).flatMap((s) => (s.username ? [s.username] : [])));
      }),
    );
    await relayIceOnly(alice.page);
    await relayIceOnly(bob.page);
    await alice.signUp();
    await bob.signUp();
    await expect.poll(() => refreshed.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const fresh = refreshed.at(-1)!;
    await alice.befriend(bob);
    await alice.openChat('bob');
    await bob.openChat('alice');
    await expect(alice.connectionPath()).toHaveText('direct', { timeout: 20_000 });
    await expect.poll(() => selectedPair(alice.page)).toEqual({ local: 'relay', remote: 'relay', policy: 'relay' });
    // Alice's peer connection was configured with a credential from a refresh, not the one her login carried.
    const usernames = await alice.page.evaluate(() =>
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.flatMap((pc) => pc.getConfiguration().iceServers ?? []).flatMap((s) => (s.username ? [s.username] : [])),
    );
    expect(usernames.length).toBeGreaterThan(0);
    expect(refreshed).toContain(usernames.at(-1));
    expect(Number(usernames.at(-1)!.split(':')[0])).toBeGreaterThanOrEqual(Number(fresh.split(':')[0]));
  });
});

test('the /check page sees the WebSocket greet it, host and relay candidates, TURN over UDP working, and consistent headers', async ({ browser, server }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server.origin}/check`);
  const check = (name: string) => page.getByRole('list', { name: 'Checks' }).getByRole('listitem').filter({ hasText: name });
  await expect(check('WebSocket')).toContainText('OK');
  await expect(check('WebSocket')).toContainText('greeted it');
  await expect(check('Proxy headers')).toContainText('OK');
  await expect(check('ICE candidates')).toContainText('OK', { timeout: 20_000 });
  await expect(check('ICE candidates')).toContainText(/Candidate types: host, relay/);
  await expect(check('TURN')).toContainText('OK', { timeout: 20_000 });
  await expect(check('TURN')).toContainText('?transport=udp: works');
  // No inline script: the page runs under the server's CSP without a violation.
  expect(errors).toEqual([]);
  await context.close();
});
