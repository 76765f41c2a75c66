/**
 * The Blobs a Chromium profile holds, as chrome://blob-internals lists them. A Blob's bytes live in
 * the browser process (in memory, or in a file), not in the tab that made it, and stay there until
 * that tab's garbage collector drops the small JS object that refers to them: the tab's heap looks
 * small while the browser process holds the data. The census shows how much that is.
 */
import type { BrowserContext } from '@playwright/test';

export interface BlobCensus {
  blobs: number;
  /** Bytes of items held in memory ("Type: data"). */
  memoryBytes: number;
  /** Bytes of items that refer to files (received files read back from OPFS, files the user picked, IndexedDB's Blobs). */
  fileBytes: number;
}

/** Undefined if the page cannot be read (this Chromium may not offer it). */
export async function blobCensus(context: BrowserContext): Promise<BlobCensus | undefined> {
  const page = await context.newPage();
  try {
    await page.goto('chrome://blob-internals');
    const text = await page.evaluate(() => document.body.innerText);
    const census: BlobCensus = { blobs: (text.match(/^Refcount:/gm) ?? []).length, memoryBytes: 0, fileBytes: 0 };
    // Each item is listed as "Type: <kind>" followed by its "Length: <n>".
    for (const m of text.matchAll(/^Type: (\w+)[\s\S]*?^Length: ([\d,]+)/gm)) {
      const bytes = Number(m[2]!.replaceAll(',', ''));
      if (m[1] === 'data') census.memoryBytes += bytes;
      else census.fileBytes += bytes;
    }
    return census;
  } catch {
    return undefined;
  } finally {
    await page.close().catch(() => undefined);
  }
}
