/**
 * The setup the browser benchmarks share (browser-bench.ts, history-bench.ts, search-bench.ts):
 * web/dist built from this tree, so the figures are for the source in it; the real server on a
 * random port with quiet logs; one headless Debian Chromium. Both are stopped however the
 * benchmark ends.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium';
import { ServerProcess } from '../signaling/test-support/server-process';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Builds web/dist from the current source, so the figures are for the code in the tree. `viteArgs`
 * go to `vite build` (the file benchmark's profiling mode builds an unminified copy elsewhere).
 */
export function buildWebApp(viteArgs: string[] = []): void {
  try {
    execFileSync('npm', ['run', '--silent', 'build', ...(viteArgs.length ? ['--', ...viteArgs] : [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
}

/** Builds the app, starts the server and Chromium, runs `bench` with them, and stops both. */
export async function withAppBrowser<T>(bench: (server: ServerProcess, browser: Browser) => Promise<T>): Promise<T> {
  buildWebApp();
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  try {
    server = await ServerProcess.start({ env: { LOG_LEVEL: 'warn' } });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    return await bench(server, browser);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.dispose();
  }
}
