// Reading a long conversation, in real Chromium against the real server: bob's IndexedDB holds a
// few thousand messages from alice over the last days (written in the page, as the app stores
// them), the last ones unread. It opens at the first unread with only a page drawn; scrolling up
// reads older pages without moving what the reader sees; a new message while scrolled up shows
// "Jump to latest, 1 new"; day separators, each time's full date on keyboard focus, links, and the
// image viewer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { chatting, expect, test } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';
import { seedConversation } from './support/seed-history';

const SEEDED = 3000;
const UNREAD = 80;
/** How many of the seeded messages are today's (the rest spread over the days before). */
const TODAY = 40;

/** Fills bob's conversation with alice (the last UNREAD unread, one link near the end) and reloads. */
async function seed(user: ParleyUser): Promise<void> {
  await seedConversation(user.page, { peer: 'alice', count: SEEDED, unread: UNREAD, today: TODAY, linkAt: SEEDED - 5 });
  await user.page.reload();
  await expect(user.page.getByText(`Signed in as ${user.name}`)).toBeVisible();
}

/** A message's state as bob's IndexedDB holds it ('delivered' until it was on screen, then 'read'). */
async function stateOf(user: ParleyUser, id: string): Promise<string | undefined> {
  return user.page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('parley');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const rows = await new Promise<{ id: string; state: string }[]>((resolve, reject) => {
      const all = db.transaction('messages').objectStore('messages').getAll();
      all.onsuccess = () => resolve(all.result);
      all.onerror = () => reject(all.error);
    });
    db.close();
    return rows.find((m) => m.id === id)?.state;
  }, id);
}

const scroller = (user: ParleyUser) => user.log.evaluateHandle((ol) => ol.parentElement!);
/** Where `l` is on screen (NaN once it is gone: a view that jumped can drop it from the window). */
const top = async (l: Locator) => (await l.boundingBox())?.y ?? Number.NaN;

test('a conversation of thousands opens at the first unread, pages older ones in place, and jumps to the latest', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await seed(bob);
  await bob.openChat('alice');

  // Opens at the first unread, with a page or two drawn (the next older one read ahead), not the conversation.
  const firstUnread = bob.message(`seed ${SEEDED - UNREAD}`);
  await expect(firstUnread).toBeInViewport();
  await expect(bob.message(`seed ${SEEDED - 1}`)).not.toBeInViewport();
  expect(await bob.log.getByRole('listitem').count()).toBeLessThanOrEqual(3 * 50);
  await expect(firstUnread).toBeInViewport();
  // Only what was on screen is read: the first unread is, the latest (loaded, far below) is not yet.
  await expect.poll(() => stateOf(bob, `seed-${SEEDED - UNREAD}`)).toBe('read');
  expect(await stateOf(bob, `seed-${SEEDED - 1}`)).toBe('delivered');
  expect(await stateOf(bob, `seed-${SEEDED - UNREAD + 40}`)).toBe('delivered');
  const jump = bob.page.getByRole('button', { name: /^Jump to latest/ });
  await jump.click();
  await expect(bob.message(`seed ${SEEDED - 1}`)).toBeInViewport();
  await expect(jump).toBeHidden();
  await expect.poll(() => stateOf(bob, `seed-${SEEDED - 1}`)).toBe('read');

  // Today's separator; each message names its author to a screen reader; a link, safe.
  await expect(bob.log.getByRole('separator', { name: 'Today' })).toBeVisible();
  await expect(bob.message(`seed ${SEEDED - 1}`)).toContainText('alice:');
  // Each message's time is reachable with the keyboard; focused, it shows (and reads) the full date and time.
  const latest = bob.message(`seed ${SEEDED - 1}`);
  const full = latest.locator('time .full');
  expect((await full.boundingBox())!.width).toBeLessThanOrEqual(1);
  await latest.getByRole('button', { name: 'Message actions' }).focus();
  await bob.page.keyboard.press('Shift+Tab');
  await expect(latest.locator('time')).toBeFocused();
  await expect.poll(async () => (await full.boundingBox())!.width).toBeGreaterThan(40);
  await expect(full).toContainText(String(new Date().getFullYear()));
  const link = bob.log.getByRole('link', { name: 'https://example.org/page' });
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('href', 'https://example.org/page');

  // Scrolled to the top of what is drawn: older pages come in, and the message at the top stays put.
  for (let page = 0; page < 2; page++) {
    const firstText = (await bob.log.locator('li[data-key] p').first().textContent())!;
    const anchor = bob.message(firstText);
    const before = await (await scroller(bob)).evaluate((el, text) => {
      el.scrollTop = 0;
      const li = [...el.querySelectorAll('li[data-key]')].find((l) => l.querySelector('p')?.textContent === text)!;
      return li.getBoundingClientRect().top;
    }, firstText);
    const older = Number(firstText.replace('seed ', '')) - 1;
    await expect(bob.message(`seed ${older}`)).toBeAttached();
    await expect.poll(() => top(anchor)).toBeCloseTo(before, 0);
  }
  await expect(bob.log.getByRole('separator', { name: 'Yesterday' })).toBeAttached();
  expect(await bob.log.getByRole('listitem').count()).toBeLessThanOrEqual(210);

  // A new message while reading older ones: counted on the button, the view does not move.
  const reading = bob.log.getByRole('listitem').nth(5);
  const readingAt = await top(reading);
  await alice.send('fresh one');
  await expect(bob.page.getByRole('button', { name: 'Jump to latest, 1 new' })).toBeVisible();
  expect(await top(reading)).toBeCloseTo(readingAt, 0);
  await bob.page.getByRole('button', { name: /^Jump to latest/ }).click();
  await expect(bob.message('fresh one')).toBeInViewport();
  await expect(bob.page.getByRole('button', { name: /^Jump to latest/ })).toBeHidden();

  // An arriving image, at the bottom where the reader is; its preview opens the viewer.
  const dataUrl = await alice.page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 40;
    canvas.getContext('2d')!.fillRect(0, 0, 20, 20);
    return canvas.toDataURL('image/png');
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-img-')), 'square.png');
  fs.writeFileSync(file, Buffer.from(dataUrl.split(',')[1]!, 'base64'));
  await alice.attach(file);
  const preview = bob.log.getByRole('img', { name: 'square.png' });
  await expect(preview).toBeInViewport();
  await expect(bob.fileItem('square.png').getByRole('link', { name: 'Download square.png' })).toBeInViewport();
  await bob.log.getByRole('link', { name: 'View square.png' }).click();
  const viewer = bob.page.getByRole('dialog', { name: 'Image square.png' });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('img', { name: 'square.png' })).toBeVisible();
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await bob.log.getByRole('link', { name: 'View square.png' }).click();
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toBeHidden();
});
