/**
 * Playwright fixtures: a real Parley server per test (port 0, fresh SQLite) and a way to open
 * users, each in their own browser context (their own IndexedDB).
 */
import { type BrowserContext, type Page, test as base } from '@playwright/test';
import { ServerProcess } from '../../signaling/test-support/server-process';
import { ParleyUser } from './parley-user';

export interface Fixtures {
  server: ServerProcess;
  /** Opens a new browser context at the app. Contexts are closed after the test. */
  openUser: (name: string) => Promise<ParleyUser>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = await ServerProcess.start({ env: { LOG_LEVEL: 'info' } });
    await use(server);
    await server.dispose();
  },
  openUser: async ({ browser, server }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (name) => {
      const context = await browser.newContext();
      contexts.push(context);
      const page: Page = await context.newPage();
      page.on('pageerror', (err) => console.error(`[${name} page error]`, err.message));
      await page.goto(server.origin);
      return new ParleyUser(name, context, page, server);
    });
    for (const c of contexts) await c.close().catch(() => undefined);
  },
});

export { expect } from '@playwright/test';
