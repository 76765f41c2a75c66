import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests beside the code they cover. The Playwright tests in e2e/ run under
 * `playwright test`, never here.
 */
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'signaling/**/*.test.ts', 'web/**/*.test.ts'],
    // Browser code runs here too: Node 20 has Blob and performance, and the web tests that need
    // IndexedDB import fake-indexeddb themselves, so no DOM environment is needed.
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    fileParallelism: true,
    // Integration files each start real server processes; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
