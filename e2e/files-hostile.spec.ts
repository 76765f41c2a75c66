/**
 * A hostile contact's files run nothing in Parley's origin. A `blob:` URL made by the app is a
 * document of the app's origin (its IndexedDB holds the identity key); opened as an address (a
 * link dragged to the tab bar, "Open link in new tab") it gets no CSP either, so what it renders
 * runs. Every file is therefore handed out as application/octet-stream (opening it downloads it),
 * and previews are PNGs re-drawn from sniffed raster images only. Files over the size the user
 * accepts automatically wait for "Accept".
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { chatting, expect, test } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';

const MiB = 1024 * 1024;
/** What a script that ran would leave in the app origin: a localStorage key and an IndexedDB database, both named pwned-… */
const mark = (what: string) =>
  `localStorage.setItem('pwned-${what}', document.domain); indexedDB.open('pwned-${what}'); alert('${what} ran')`;
const HTML = `<!doctype html><title>hi</title><script>${mark('html')}</script><img src=x onerror="${mark('onerror')}">`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="${mark('svgload')}"><script>${mark('svg')}</script><rect width="9" height="9"/></svg>`;

function writeFile(name: string, content: string | Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-hostile-')), name);
  fs.writeFileSync(file, content);
  return file;
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** What scripts left in the user's origin (see `mark`). */
function traces(user: ParleyUser): Promise<string[]> {
  return user.page.evaluate(async () => [
    ...Object.keys(localStorage).filter((k) => k.startsWith('pwned-') || k === 'control'),
    ...(await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('pwned-')),
  ]);
}

/** Every dialog (alert, confirm…) any page of the user's profile opens from now on, dismissed. */
function dialogsOf(user: ParleyUser): string[] {
  const dialogs: string[] = [];
  const watch = (page: Page) =>
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss().catch(() => undefined);
    });
  user.context.pages().forEach(watch);
  user.context.on('page', watch);
  return dialogs;
}

/**
 * Opens `url` in a new page of the user's profile, as a typed address, a link dragged to the tab
 * bar or "Open link in new tab" do (a browser-initiated navigation: no CSP is inherited).
 */
async function openAsAddress(user: ParleyUser, url: string) {
  const page = await user.context.newPage();
  const download = page.waitForEvent('download', { timeout: 10_000 }).catch(() => undefined);
  const failed = await page.goto(url).then(() => false, () => true); // a download aborts the navigation
  return { page, download: failed ? await download : undefined };
}

/** The same from the app's page through window.open, as a renderer opens a link in a new tab: the new tab downloads (Chromium counts it to the opener) and closes. */
async function openAsPopup(user: ParleyUser, url: string) {
  const download = user.page.waitForEvent('download');
  await user.page.evaluate((u) => void window.open(u, '_blank', 'noopener'), url);
  return download;
}

async function pngOf(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 2;
    canvas.getContext('2d')!.fillRect(0, 0, 1, 1);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

test('HTML and SVG files with script run nothing when opened, however; SVG gets no preview, a PNG a re-drawn one', async ({ openUser }) => {
  test.slow(); // some twenty pages opened in turn, on two shared cores
  const [alice, bob] = await chatting(openUser);
  const dialogs = { alice: dialogsOf(alice), bob: dialogsOf(bob) };
  const png = await pngOf(alice.page);
  const files = {
    'evil.html': HTML,
    'evil.svg': SVG,
    'html-named.png': HTML, // declared image/png by its sender's browser
    'polyglot.png': Buffer.concat([png, Buffer.from(HTML)]), // a real PNG with a page after it
  };
  await alice.attach(...Object.entries(files).map(([name, content]) => writeFile(name, content)));
  for (const name of Object.keys(files)) await expect(bob.page.getByRole('link', { name: `Download ${name}` })).toBeVisible({ timeout: 30_000 });

  // The control: a text/html blob of the app's origin opened this way does run, and can reach its storage.
  const control = await bob.page.evaluate(() =>
    URL.createObjectURL(new Blob(["<script>localStorage.setItem('control', 'ran'); alert('control')</script>"], { type: 'text/html' })),
  );
  const opened = await openAsAddress(bob, control);
  expect(dialogs.bob).toEqual(['control']);
  dialogs.bob.length = 0;
  await expect.poll(() => traces(bob)).toEqual(['control']); // localStorage reaches other pages a moment later
  await bob.page.evaluate(() => localStorage.removeItem('control'));
  await opened.page.close();

  for (const user of [bob, alice]) {
    for (const name of Object.keys(files)) {
      const href = (await user.page.getByRole('link', { name: `Download ${name}` }).getAttribute('href'))!;
      expect(href).toMatch(/^blob:/);
      const asAddress = await openAsAddress(user, href);
      expect(dialogs[user.name as 'alice' | 'bob'], `${user.name}: ${name} ran script`).toEqual([]);
      expect(asAddress.download, `${user.name}: ${name} downloads instead of rendering`).toBeDefined();
      await asAddress.page.close();
      await openAsPopup(user, href);
    }
    // Middle click on the link itself: a download too.
    await Promise.all([user.page.waitForEvent('download'), user.page.getByRole('link', { name: 'Download evil.html' }).click({ button: 'middle' })]);
    await expect.poll(() => traces(user)).toEqual([]);

    // No preview for what is not a raster image, whatever its name or declared type.
    for (const name of ['evil.svg', 'evil.html', 'html-named.png']) await expect(user.fileItem(name).locator('img, canvas, object, iframe')).toHaveCount(0);
    // The PNG's preview is a PNG the app drew: the page after it is gone, and opening it shows an image.
    const img = user.fileItem('polyglot.png').getByRole('img', { name: 'polyglot.png' });
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(2);
    const preview = await openAsAddress(user, (await img.getAttribute('src'))!);
    expect(await preview.page.evaluate(() => document.contentType)).toBe('image/png');
    const bytes = Buffer.from(await preview.page.evaluate(async () => [...new Uint8Array(await (await fetch(location.href)).arrayBuffer())]));
    expect(bytes.subarray(0, 8)).toEqual(png.subarray(0, 8));
    expect(bytes.includes('<script')).toBe(false);
    await preview.page.close();
  }
  expect(await traces(bob)).toEqual([]);
  expect(dialogs).toEqual({ alice: [], bob: [] });
  // Downloads are the files as sent.
  expect(sha256(await bob.download('polyglot.png'))).toBe(sha256(files['polyglot.png']));
  expect((await bob.download('evil.svg')).toString()).toBe(SVG);
});

test('a file over the size accepted automatically waits for Accept, through a reload, and arrives once accepted', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await bob.setAutoAccept(1);
  const big = crypto.randomBytes(2 * MiB);
  await alice.attach(writeFile('large.bin', big));
  const item = bob.fileItem('large.bin');
  await expect(item.getByRole('button', { name: 'Accept', exact: true })).toBeVisible();
  await expect(item).toContainText('larger than the size you accept automatically');
  await expect(alice.fileItem('large.bin')).toContainText('Waiting for the other side');

  // Nothing is fetched meanwhile, and the choice waits through a reload (as does the setting).
  const receivedBytes = async () => {
    const rtc = await bob.rtc();
    return rtc.channelBytesReceived + rtc.socketBytesReceived;
  };
  const before = await receivedBytes();
  await bob.page.waitForTimeout(1000);
  expect((await receivedBytes()) - before).toBeLessThan(64 * 1024);
  await bob.page.reload();
  await bob.openChat('alice');
  await bob.openSettings();
  await expect(bob.autoAcceptField()).toHaveValue('1');
  await bob.closeSettings();
  // Once the file is on screen again (before, "no progress bar" would hold of an empty log).
  await expect(item.getByRole('button', { name: 'Accept', exact: true })).toBeVisible();
  await expect(bob.progress('large.bin')).toHaveCount(0);

  await bob.fileItem('large.bin').getByRole('button', { name: 'Accept', exact: true }).click();
  await expect(bob.page.getByRole('link', { name: 'Download large.bin' })).toBeVisible({ timeout: 30_000 });
  expect(sha256(await bob.download('large.bin'))).toBe(sha256(big));
  await expect(bob.fileItem('large.bin').getByRole('button', { name: 'Accept', exact: true })).toHaveCount(0);
  await expect(alice.fileItem('large.bin')).toContainText('delivered');
});

test('a declined file stops on both sides; names with bidirectional controls are shown without them', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await bob.setAutoAccept(1);
  await alice.attach(writeFile('declined.bin', crypto.randomBytes(2 * MiB)));
  await bob.fileItem('declined.bin').getByRole('button', { name: 'Decline' }).click();
  for (const user of [bob, alice]) await expect(user.fileItem('declined.bin')).toContainText('Cancelled');
  await expect(bob.page.getByRole('link', { name: 'Download declined.bin' })).toHaveCount(0);

  // Shown raw, "invoice\u202Efdp.exe" reads "invoiceexe.pdf".
  await alice.attach(writeFile('invoice\u202Efdp.exe', 'MZ'));
  const link = bob.page.getByRole('link', { name: 'Download invoicefdp.exe' });
  await expect(link).toBeVisible({ timeout: 30_000 });
  await expect(bob.fileItem('invoicefdp.exe').locator('bdi')).toHaveText('invoicefdp.exe');
  expect(await link.getAttribute('download')).toBe('invoicefdp.exe');
  const [download] = await Promise.all([bob.page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('invoicefdp.exe');
});
