/**
 * A Chromium of its own whose tabs really go hidden. Playwright keeps every page it opens
 * "visible" (it turns on focus emulation, which holds the tab as if captured), so a page can never
 * see `document.visibilityState === 'hidden'`. Connected over CDP with `noDefaults`, Playwright
 * leaves the default context's pages alone: a second tab in the same window brought to the front
 * hides the first, as a user switching tabs does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserType, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

/** How long Chromium may take to say where its DevTools endpoint listens. */
const START_TIMEOUT_MS = 30_000;

export class HideableBrowser {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    readonly browser: Browser,
    /** The default context, whose tabs share one window. */
    readonly context: BrowserContext,
  ) {}

  static async launch(chromium: BrowserType): Promise<HideableBrowser> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-hideable-'));
    const proc = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${dir}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let said = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${said}`)), START_TIMEOUT_MS);
      proc.stderr!.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        const found = /DevTools listening on (ws:\S+)/.exec(said);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      proc.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${said}`)));
    });
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
    return new HideableBrowser(proc, dir, browser, browser.contexts()[0]!);
  }

  /** Hides `page` the way a user does: another tab of its window comes to the front. Returns that tab. */
  async hide(page: Page): Promise<Page> {
    const other = this.context.pages().find((p) => p !== page) ?? (await this.context.newPage());
    await other.bringToFront();
    return other;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    // Chromium runs in a process group of its own (detached): its helpers (renderers, the GPU
    // process, the crash handler) go with it, and none is left writing the profile as it is removed.
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-this.proc.pid!, signal);
      } catch {
        // already gone
      }
    };
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      group('SIGTERM');
      await exited;
    }
    group('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}
