/**
 * Writes a long conversation into a signed-in tab's IndexedDB as the app stores messages (the
 * `messages` store, keyed by [conv, dir, id], ordered by seq), for tests and benchmarks that need
 * thousands of messages fast: sending them one by one through the app would take minutes. The
 * page must be reloaded afterwards so the app reads them.
 */
import type { Page } from '@playwright/test';

export interface SeedOptions {
  /** The contact whose conversation (`dm:<peer>`) gets the messages. */
  peer: string;
  count: number;
  /** The last this many are incoming and counted unread. */
  unread?: number;
  /** How many of the last messages are dated today (the others go 500 a day over the days before). */
  today?: number;
  /** The seeded message whose text holds a link (an index; none when unset). */
  linkAt?: number;
}

/** Message `i` of a seeded conversation reads `seed <i>` (the link one aside). */
export const seededText = (i: number) => `seed ${i}`;
export const SEEDED_LINK_TEXT = 'read this: https://example.org/page.';

/**
 * Lets functions compiled by tsx run in the page: its esbuild keeps function names by wrapping
 * them in calls to a helper `__name` that the page does not have (Playwright's own compiler does
 * not). Given as a string, so nothing compiles it.
 */
export async function allowNamedFunctions(page: Page): Promise<void> {
  await page.evaluate('globalThis.__name ??= (f) => f');
}

export async function seedConversation(page: Page, o: SeedOptions): Promise<void> {
  await allowNamedFunctions(page);
  await page.evaluate(
    async ({ peer, count, unread, today, linkAt, linkText }) => {
      const now = Date.now();
      const midnight = new Date(new Date(now).setHours(0, 0, 0, 0)).getTime();
      // Today's spread from midnight to a minute ago; the others over the days before, 500 a day.
      const tsOf = (i: number) => {
        const fromEnd = count - 1 - i;
        if (fromEnd < today) return midnight + ((now - 60_000 - midnight) * (today - fromEnd)) / (today + 1);
        const back = Math.floor((fromEnd - today) / 500) + 1;
        const day = new Date(new Date(midnight).setDate(new Date(midnight).getDate() - back)).getTime();
        return day + 3_600_000 + ((fromEnd - today) % 500) * 60_000;
      };
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('parley');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const tx = db.transaction(['messages', 'conversations'], 'readwrite');
      const store = tx.objectStore('messages');
      // Below any seq the app gives a new message (its clock in µs), in the seeded order.
      const seqStart = (now - 30 * 86_400_000) * 1000;
      for (let i = 0; i < count; i++) {
        const dir = i >= count - unread || i % 3 !== 0 ? 'in' : 'out';
        const text = i === linkAt ? linkText : `seed ${i}`;
        store.put({ conv: `dm:${peer}`, peer, dir, id: `seed-${i}`, seq: seqStart + i * 1000, ts: tsOf(i), text, state: 'delivered' });
      }
      tx.objectStore('conversations').put({ id: `dm:${peer}`, unread });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { peer: o.peer, count: o.count, unread: o.unread ?? 0, today: o.today ?? 40, linkAt: o.linkAt ?? -1, linkText: SEEDED_LINK_TEXT },
  );
}
