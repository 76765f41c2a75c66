/**
 * Playwright fixtures: a real Parley server per test (port 0, fresh SQLite) and a way to open
 * users, each in their own browser profile (their own IndexedDB), instrumented by the RTC probe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, test as base } from '@playwright/test';
import { ServerProcess } from '../../signaling/test-support/server-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH, NO_UDP_PREFERENCES } from './chromium';
import { ParleyUser } from './parley-user';
import { installRtcProbe } from './rtc-probe';

export interface UserOptions {
  /** A browser that gathers no ICE candidates, so no direct path can form. */
  noUdp?: boolean;
}

export type OpenUser = (name: string, options?: UserOptions) => Promise<ParleyUser>;

export interface Fixtures {
  /** Extra environment for the test's server (limits, for instance); set with `test.use`. */
  serverEnv: Record<string, string>;
  server: ServerProcess;
  /** Opens the app in a new browser profile. Profiles are closed after the test. */
  openUser: OpenUser;
}

/** alice and bob, signed up and contacts, each with the other's conversation open. */
export async function chatting(openUser: OpenUser, bob: UserOptions = {}): Promise<readonly [ParleyUser, ParleyUser]> {
  const a = await openUser('alice');
  const b = await openUser('bob', bob);
  await a.signUp();
  await b.signUp();
  await a.befriend(b);
  await a.openChat('bob');
  await b.openChat('alice');
  return [a, b] as const;
}

export const test = base.extend<Fixtures>({
  serverEnv: [{}, { option: true }],
  server: async ({ serverEnv }, use) => {
    const server = await ServerProcess.start({ env: { LOG_LEVEL: 'info', ...serverEnv } });
    await use(server);
    await server.dispose();
  },
  openUser: async ({ browser, playwright, server }, use) => {
    const contexts: BrowserContext[] = [];
    const profiles: string[] = [];
    await use(async (name, options = {}) => {
      let context: BrowserContext;
      if (options.noUdp) {
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
      await page.goto(server.origin);
      return new ParleyUser(name, context, page, server);
    });
    for (const c of contexts) await c.close().catch(() => undefined);
    for (const dir of profiles) fs.rmSync(dir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
