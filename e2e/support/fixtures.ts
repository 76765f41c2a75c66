/**
 * Playwright fixtures: a real Parley server per test (port 0, fresh SQLite) and a way to open
 * users, each in their own browser profile (their own IndexedDB), instrumented by the RTC probe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserType, type Page, test as base } from '@playwright/test';
import { ServerProcess } from '../../signaling/test-support/server-process';
import { CHROMIUM_ARGS, CHROMIUM_PATH, NO_UDP_PREFERENCES } from './chromium';
import { HideableBrowser } from './hideable-browser';
import { ParleyUser } from './parley-user';
import { installRtcProbe } from './rtc-probe';

export interface UserOptions {
  /** A browser that gathers no ICE candidates, so no direct path can form. */
  noUdp?: boolean;
  /** A browser of its own whose tab really goes hidden when another comes to the front (hideable-browser.ts). */
  hideable?: boolean;
  /** The browser's language (navigator.languages) when not the config's en-US: 'zh-CN' for the 简体中文 UI. */
  locale?: string;
}

export type OpenUser = (name: string, options?: UserOptions) => Promise<ParleyUser>;

export interface Fixtures {
  /** Extra environment for the test's server (limits, for instance); set with `test.use`. */
  serverEnv: Record<string, string>;
  server: ServerProcess;
  /** Opens the app in a new browser profile. Profiles are closed after the test. */
  openUser: OpenUser;
}

/** Opens the `index`th user of a scenario (openUser, or a cluster's node per user). */
export type OpenNth = (name: string, options: UserOptions, index: number) => Promise<ParleyUser>;

/** Two users (alice and bob unless named; the second with `options`), signed up and each other's contacts. */
export async function befriended(open: OpenNth, options: UserOptions = {}, [a, b]: [string, string] = ['alice', 'bob']): Promise<readonly [ParleyUser, ParleyUser]> {
  const first = await open(a, {}, 0);
  const second = await open(b, options, 1);
  await first.signUp();
  await second.signUp();
  await first.befriend(second);
  return [first, second] as const;
}

/** Two users as befriended() makes them, each with the other's conversation open. */
export async function chatting(open: OpenNth, options: UserOptions = {}, names: [string, string] = ['alice', 'bob']): Promise<readonly [ParleyUser, ParleyUser]> {
  const [first, second] = await befriended(open, options, names);
  await first.openChat(second.name);
  await second.openChat(first.name);
  return [first, second] as const;
}

/** Browser profiles opened by one test, closed (and their directories removed) by dispose(). */
export class Profiles {
  readonly #contexts: BrowserContext[] = [];
  readonly #dirs: string[] = [];
  readonly #hideable: HideableBrowser[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly chromium: BrowserType,
  ) {}

  /**
   * Opens `server`'s app as `name` in a new profile instrumented by the RTC probe; with `noUdp`
   * a persistent profile that gathers no ICE candidates, so no direct path can form (see
   * ../shared DESIGN "Testing WebRTC").
   */
  async open(server: ServerProcess, name: string, options: UserOptions = {}): Promise<ParleyUser> {
    let context: BrowserContext;
    let user = (page: Page) => new ParleyUser(name, context, page, server);
    if (options.noUdp) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-noudp-'));
      this.#dirs.push(dir);
      fs.mkdirSync(path.join(dir, 'Default'));
      fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(NO_UDP_PREFERENCES));
      context = await this.chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, locale: options.locale ?? 'en-US' });
    } else if (options.hideable) {
      const own = await HideableBrowser.launch(this.chromium);
      this.#hideable.push(own);
      context = own.context;
      user = (page) => new ParleyUser(name, context, page, server, own);
    } else {
      context = await this.browser.newContext(options.locale ? { locale: options.locale } : {});
    }
    this.#contexts.push(context);
    await context.addInitScript(installRtcProbe);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => console.error(`[${name} page error]`, err.message));
    await page.goto(server.origin);
    return user(page);
  }

  async dispose(): Promise<void> {
    for (const c of this.#contexts) await c.close().catch(() => undefined);
    for (const dir of this.#dirs) fs.rmSync(dir, { recursive: true, force: true });
    for (const own of this.#hideable) await own.close();
  }
}

export const test = base.extend<Fixtures>({
  serverEnv: [{}, { option: true }],
  server: async ({ serverEnv }, use) => {
    const server = await ServerProcess.start({ env: { LOG_LEVEL: 'info', ...serverEnv } });
    await use(server);
    await server.dispose();
  },
  openUser: async ({ browser, playwright, server }, use) => {
    const profiles = new Profiles(browser, playwright.chromium);
    await use((name, options) => profiles.open(server, name, options));
    await profiles.dispose();
  },
});

export { expect } from '@playwright/test';
