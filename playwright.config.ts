import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium';

/**
 * Playwright drives Debian's Chromium (no browser download is possible here). Each test starts its
 * own real server on a random port (see e2e/support/fixtures.ts). `npm test` builds web/dist first.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    // Every test reads the English UI unless it asks for another locale (e2e/locale.spec.ts: zh-CN).
    locale: 'en-US',
  },
});
