/**
 * Drives one person's Parley tab in Debian's Firefox ESR (puppeteer-core over WebDriver BiDi;
 * Playwright drives only Chromium here). Firefox over BiDi has no accessibility-tree queries, so
 * controls are found in the page by the same names the UI contract gives them: an aria-label, a
 * <label>'s text, or a button's text, looked up through every shadow root.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export type Role = 'button' | 'textbox' | 'heading' | 'status' | 'link' | 'file' | 'checkbox';

/**
 * Runs in the page: the first element of `role` whose name starts with `name` (equals it when
 * `exact`), searching light and shadow trees, or null. `within` narrows to descendants of an element.
 */
function findInPage(role: Role, name: string, exact: boolean, within: Element | null): Element | null {
  const selectors: Record<Role, string> = {
    button: 'button',
    textbox: 'input:not([type=file]):not([type=checkbox]), textarea',
    heading: 'h1, h2, h3',
    status: '[role=status]',
    link: 'a[href]',
    file: 'input[type=file]',
    checkbox: 'input[type=checkbox]',
  };
  // Text as a screen reader reads it: what is aria-hidden is left out.
  const textOf = (node: Node): string =>
    node.nodeType === Node.TEXT_NODE
      ? (node.textContent ?? '')
      : node instanceof Element && node.getAttribute('aria-hidden') === 'true'
        ? ''
        : [...node.childNodes].map(textOf).join('');
  const nameOf = (el: Element): string => {
    const aria = el.getAttribute('aria-label');
    if (aria) return aria.trim();
    const labels = (el as HTMLInputElement).labels;
    const text = labels && labels.length > 0 ? textOf(labels[0]!) : textOf(el);
    return text.replace(/\s+/g, ' ').trim();
  };
  const matches = (el: Element) => (exact ? nameOf(el) === name : nameOf(el).startsWith(name));
  const search = (root: Element | ShadowRoot | Document): Element | null => {
    for (const el of root.querySelectorAll(selectors[role])) if (matches(el)) return el;
    for (const el of root.querySelectorAll('*')) {
      const found = el.shadowRoot ? search(el.shadowRoot) : null;
      if (found) return found;
    }
    return null;
  };
  return search(within?.shadowRoot ?? within ?? document);
}

/** Runs in the page: the texts of the conversation log's messages, in display order. */
function messageTextsInPage(): string[] {
  const find = (root: Document | ShadowRoot): Element | null => {
    const log = root.querySelector('[role=log]');
    if (log) return log;
    for (const el of root.querySelectorAll('*')) {
      const found = el.shadowRoot ? find(el.shadowRoot) : null;
      if (found) return found;
    }
    return null;
  };
  return [...(find(document)?.querySelectorAll('li p') ?? [])].map((p) => p.textContent ?? '');
}

/** Runs in the page: the log's item of the message whose own text (a `p`, not a quote) is `text`, or null. */
function messageItemInPage(text: string): Element | null {
  const find = (root: Document | ShadowRoot): Element | null => {
    const log = root.querySelector('[role=log]');
    if (log) return log;
    for (const el of root.querySelectorAll('*')) {
      const found = el.shadowRoot ? find(el.shadowRoot) : null;
      if (found) return found;
    }
    return null;
  };
  return [...(find(document)?.querySelectorAll('li') ?? [])].find((li) => [...li.querySelectorAll(':scope > p')].some((p) => p.textContent === text)) ?? null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FirefoxUser {
  private constructor(
    readonly name: string,
    private readonly browser: Browser,
    readonly page: Page,
    /** Where this Firefox saves downloads, without asking. */
    readonly downloadDir: string,
  ) {}

  /** Launches Firefox headless with its own fresh profile and opens the app. */
  static async open(name: string, origin: string): Promise<FirefoxUser> {
    const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-firefox-downloads-'));
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      // Firefox hides host addresses behind mDNS names by default; with no mDNS responder here
      // a Chromium peer could not resolve them and no direct path would form on loopback.
      // Downloads go to `downloads` without a dialog (the page's CSP rightly forbids reading a
      // blob: URL with fetch, so the test reads the saved file as a user would get it).
      extraPrefsFirefox: {
        'media.peerconnection.ice.obfuscate_host_addresses': false,
        'browser.download.folderList': 2,
        'browser.download.dir': downloads,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        'browser.helperApps.neverAsk.saveToDisk': 'application/octet-stream',
      },
    });
    const page = await browser.newPage();
    page.on('pageerror', (err) => console.error(`[${name} firefox page error]`, err));
    await page.goto(origin);
    return new FirefoxUser(name, browser, page, downloads);
  }

  /** Waits (up to `timeoutMs`) for the control and returns it. */
  async find(role: Role, name: string, options: { exact?: boolean; timeoutMs?: number; within?: ElementHandle<Element> } = {}): Promise<ElementHandle<Element>> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const handle = await this.page.evaluateHandle(findInPage, role, name, options.exact ?? false, options.within ?? null);
      const el = handle.asElement();
      if (el) return el as ElementHandle<Element>;
      await handle.dispose();
      if (Date.now() > deadline) throw new Error(`${this.name} (Firefox): no ${role} named "${name}"`);
      await sleep(100);
    }
  }

  /** Waits until `check` holds for the text of the control, or throws with what it read last. */
  async waitForText(role: Role, name: string, check: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    for (;;) {
      const el = await this.find(role, name, { timeoutMs });
      text = await el.evaluate((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim());
      if (check(text)) return text;
      if (Date.now() > deadline) throw new Error(`${this.name} (Firefox): ${role} "${name}" reads "${text}"`);
      await sleep(200);
    }
  }

  async fill(name: string, text: string): Promise<void> {
    const box = await this.find('textbox', name);
    await box.evaluate((e) => ((e as HTMLInputElement).value = ''));
    await box.type(text);
  }

  async click(name: string, exact = false): Promise<void> {
    await (await this.find('button', name, { exact })).click();
  }

  async signUp(): Promise<void> {
    await this.fill('Username', this.name);
    await this.click('Create account');
    await this.waitForPageText(`Signed in as ${this.name}`);
  }

  /** Waits until the page (all its shadow trees) shows `text`. */
  async waitForPageText(text: string, timeoutMs = 15_000): Promise<void> {
    await this.page.waitForFunction(
      (wanted: string) => {
        const walk = (root: Document | ShadowRoot): boolean =>
          (root.textContent ?? '').includes(wanted) || [...root.querySelectorAll('*')].some((el) => !!el.shadowRoot && walk(el.shadowRoot));
        return walk(document);
      },
      { timeout: timeoutMs, polling: 100 },
      text,
    );
  }

  async openChat(peer: string): Promise<void> {
    await this.click(peer);
    await this.find('heading', peer, { exact: true });
  }

  async send(text: string): Promise<void> {
    await this.fill('Message', text);
    await this.click('Send', true);
  }

  messageTexts(): Promise<string[]> {
    return this.page.evaluate(messageTextsInPage);
  }

  /** Waits for the log's item of the message whose text is `text`. */
  async messageItem(text: string, timeoutMs = 15_000): Promise<ElementHandle<Element>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const handle = await this.page.evaluateHandle(messageItemInPage, text);
      const el = handle.asElement();
      if (el) return el as ElementHandle<Element>;
      await handle.dispose();
      if (Date.now() > deadline) throw new Error(`${this.name} (Firefox): no message "${text}"`);
      await sleep(100);
    }
  }

  /** Waits for the button named exactly `name` in the item of message `text` (a reaction, a quote) and returns it. */
  async buttonInMessage(text: string, name: string): Promise<ElementHandle<Element>> {
    return this.find('button', name, { exact: true, within: await this.messageItem(text) });
  }

  /** Opens the "Message actions" menu of message `text` and chooses `action` (then `then`, in the menu it opened). */
  async messageAction(text: string, action: string, then?: string): Promise<void> {
    await (await this.buttonInMessage(text, 'Message actions')).click();
    for (const item of then ? [action, then] : [action]) await this.click(item, true);
  }

  async attach(file: string): Promise<void> {
    const input = (await this.find('file', 'Attach file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(file);
  }

  /** Clicks "Download <name>" and returns the bytes Firefox saved. */
  async download(name: string, timeoutMs = 30_000): Promise<Buffer> {
    await (await this.find('link', `Download ${name}`, { exact: true, timeoutMs })).click();
    const saved = path.join(this.downloadDir, name);
    const deadline = Date.now() + timeoutMs;
    // Firefox first creates an empty `<name>`, writes `<name>.part`, then moves it over `<name>`:
    // the download is whole once there is no `.part` and the size holds still.
    let last = -1;
    for (;;) {
      const size = fs.existsSync(saved) && !fs.existsSync(`${saved}.part`) ? fs.statSync(saved).size : -1;
      if (size > 0 && size === last) break;
      last = size;
      if (Date.now() > deadline) throw new Error(`${this.name} (Firefox): ${name} was not saved in ${this.downloadDir}`);
      await sleep(250);
    }
    return fs.readFileSync(saved);
  }

  /**
   * Opens the blob: URL behind "Download <name>" in a new tab, as "Open link in new tab" would, and
   * says what that tab shows: its title and whether a script of the file ran (`window.ran`).
   */
  async openLinkAsAddress(name: string): Promise<{ title: string; ran: boolean }> {
    const link = (await this.find('link', `Download ${name}`, { exact: true })) as ElementHandle<HTMLAnchorElement>;
    const href = await link.evaluate((a) => a.href);
    const tab = await this.browser.newPage();
    try {
      // A download ends the navigation without a document: that is the outcome we want.
      await tab.goto(href, { timeout: 10_000 }).catch(() => undefined);
      await sleep(500);
      return await tab.evaluate(() => ({ title: document.title, ran: 'ran' in window }));
    } finally {
      await tab.close();
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    fs.rmSync(this.downloadDir, { recursive: true, force: true });
  }
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
