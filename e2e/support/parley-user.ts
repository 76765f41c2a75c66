/**
 * Drives one person's Parley tab through the accessible UI contract: roles and labels only,
 * the same names a screen reader announces.
 */
import fs from 'node:fs';
import { type BrowserContext, type Locator, type Page, expect } from '@playwright/test';
import type { ServerProcess } from '../../signaling/test-support/server-process';
import type { HideableBrowser } from './hideable-browser';
import type { RtcProbe } from './rtc-probe';

export class ParleyUser {
  constructor(
    public name: string,
    readonly context: BrowserContext,
    public page: Page,
    private readonly server: ServerProcess,
    /** Set when opened with `hideable`: its tab can really be hidden. */
    private readonly own?: HideableBrowser,
  ) {}

  /** Another tab comes to the front, so this one is hidden (only for a user opened `hideable`). */
  async hideTab(): Promise<void> {
    if (!this.own) throw new Error(`${this.name} was not opened hideable`);
    await this.own.hide(this.page);
    await expect.poll(() => this.page.evaluate(() => document.visibilityState)).toBe('hidden');
  }

  /** This tab comes to the front again. */
  async showTab(): Promise<void> {
    await this.page.bringToFront();
    await expect.poll(() => this.page.evaluate(() => document.visibilityState)).toBe('visible');
  }

  async signUp(): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Username' }).fill(this.name);
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await expect(this.page.getByText(`Signed in as ${this.name}`)).toBeVisible();
  }

  /** Sends a contact request to `other` and has them accept it. */
  async befriend(other: ParleyUser): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Add contact' }).fill(other.name);
    await this.page.getByRole('button', { name: 'Send request' }).click();
    const request = other.page.getByRole('listitem').filter({ hasText: this.name });
    await request.getByRole('button', { name: 'Accept' }).click();
    await expect(this.contactButton(other.name)).toBeVisible();
    await expect(other.contactButton(this.name)).toBeVisible();
  }

  contactButton(peer: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^${peer}\\b`) });
  }

  async openChat(peer: string): Promise<void> {
    await this.contactButton(peer).click();
    await expect(this.page.getByRole('heading', { name: peer })).toBeVisible();
  }

  async send(text: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Message' }).fill(text);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
  }

  get log(): Locator {
    return this.page.getByRole('log');
  }

  message(text: string): Locator {
    return this.log.getByRole('listitem').filter({ has: this.page.getByText(text, { exact: true }) });
  }

  /** The texts of the conversation's messages, in display order. */
  async messageTexts(): Promise<string[]> {
    return this.log.locator('li p').allTextContents();
  }

  /** Sends files (paths on disk) through the "Attach file" input. */
  async attach(...paths: string[]): Promise<void> {
    await this.page.getByLabel('Attach file').setInputFiles(paths);
  }

  /** The conversation entry of file `name`. */
  fileItem(name: string): Locator {
    return this.log.getByRole('listitem').filter({ hasText: name });
  }

  progress(name: string): Locator {
    return this.page.getByRole('progressbar', { name: `Transfer of ${name}` });
  }

  /** The percentage a file's progress bar shows now (-1 when it has none). */
  async percent(name: string): Promise<number> {
    const bar = this.progress(name);
    if ((await bar.count()) === 0) return -1;
    return Number((await bar.getAttribute('aria-valuenow')) ?? -1);
  }

  /** Clicks the file's download link and returns the downloaded bytes. */
  async download(name: string): Promise<Buffer> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('link', { name: `Download ${name}` }).click(),
    ]);
    return fs.readFileSync((await download.path())!);
  }

  /** The settings dialog (open it with openSettings). */
  get settings(): Locator {
    return this.page.getByRole('dialog', { name: 'Settings' });
  }

  /** Opens the settings dialog from the sidebar's "Settings" button. */
  async openSettings(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(this.settings).toBeVisible();
  }

  async closeSettings(): Promise<void> {
    await this.settings.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(this.settings).toBeHidden();
  }

  /** Checks (or unchecks) a checkbox of the settings dialog, opening and closing it around that. */
  async setSetting(name: string, on: boolean): Promise<void> {
    await this.openSettings();
    await this.settings.getByRole('checkbox', { name, exact: true }).setChecked(on);
    await this.closeSettings();
  }

  /** The settings field for the size of file fetched without asking (in the settings dialog: open it first). */
  autoAcceptField(): Locator {
    return this.settings.getByRole('spinbutton', { name: 'Accept files automatically up to (MB)' });
  }

  /** Sets the size (in MB) up to which files are fetched without asking. */
  async setAutoAccept(mb: number): Promise<void> {
    await this.openSettings();
    await this.autoAcceptField().fill(String(mb));
    await this.closeSettings();
  }

  /** What the page's RTC probe has counted (see rtc-probe.ts). */
  rtc(): Promise<Omit<RtcProbe, 'channels'> & { openChannels: number }> {
    return this.page.evaluate(() => {
      const { channels, ...counts } = window.__rtc;
      return { ...counts, openChannels: channels.filter((c) => c.readyState === 'open').length };
    });
  }

  /** Closes every data channel in this page, as a network loss would. */
  async dropDirectChannels(): Promise<void> {
    await this.page.evaluate(() => window.__rtc.channels.forEach((c) => c.close()));
  }

  connectionPath(): Locator {
    return this.page.getByRole('status', { name: 'Connection path' });
  }

  /** Closes this tab (the browser profile, and so the identity, stays). */
  async closeTab(): Promise<void> {
    await this.page.close();
  }

  /** Opens a new tab of the app in the same profile: the user comes back. */
  async reopen(): Promise<void> {
    this.page = await this.context.newPage();
    await this.page.goto(this.server.origin);
    await expect(this.page.getByText(`Signed in as ${this.name}`)).toBeVisible();
  }
}
