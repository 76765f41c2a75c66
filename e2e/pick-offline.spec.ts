/**
 * Nothing is dropped unsaid when a file is picked at a bad moment: just as its contact goes
 * offline (the sender may not know it yet, and its offer may reach the server after the contact
 * left), or as the link falls back from direct to the relay. And a file left with the server is
 * offered only once the server has committed it, so a contact logging in at once can fetch it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Locator } from '@playwright/test';
import { chatting, expect, test } from './support/fixtures';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pick-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a file's entry in the sender's conversation says, its transfer's part included. */
const textOf = (item: Locator) =>
  item.evaluate((li) => `${li.querySelector('parley-file-item')?.shadowRoot?.textContent ?? ''} ${li.textContent ?? ''}`.replace(/\s+/g, ' '));

/**
 * `kept`: left with the server for the contact; `delivered`: the offer reached the contact's device;
 * `refused`: shown as not sent, with why; `pending`: none of these (yet).
 */
function outcomeOf(text: string): 'kept' | 'delivered' | 'refused' | 'pending' {
  if (/Not sent|Not delivered|both online|interrupted/.test(text)) return 'refused';
  if (text.includes('Kept on the server')) return 'kept';
  if (/\bdelivered\b/.test(text)) return 'delivered';
  return 'pending';
}

test('a file picked just as its contact goes offline is sent, kept for them or refused in words, never nothing', async ({ openUser }) => {
  test.setTimeout(240_000);
  const [alice, bob] = await chatting(openUser);
  const files = dir();
  // Picked before (negative: ms before) or after the contact's tab closes: the sender may or may
  // not have heard of it, and the offer may reach the server just after the contact left.
  const offsets = [-40, -20, -5, 0, 15];
  const outcomes: string[] = [];
  for (const [i, offset] of offsets.entries()) {
    await expect(alice.contactButton('bob')).toContainText('online');
    const name = `picked-${i}.bin`;
    fs.writeFileSync(path.join(files, name), Buffer.alloc(300_000 + i, i));
    const pick = () => alice.attach(path.join(files, name));
    if (offset < 0) await Promise.all([pick(), sleep(-offset).then(() => bob.closeTab())]);
    else await Promise.all([bob.closeTab(), sleep(offset).then(pick)]);

    const item = alice.fileItem(name);
    await expect.poll(async () => outcomeOf(await textOf(item)), { timeout: 30_000 }).not.toBe('pending');
    const outcome = outcomeOf(await textOf(item));
    outcomes.push(outcome);
    // Kept for bob: it reaches him though alice has gone too.
    if (outcome === 'kept') await alice.closeTab();
    await bob.reopen();
    await bob.openChat('alice');
    if (outcome !== 'refused') await expect(bob.page.getByRole('link', { name: `Download ${name}` })).toBeVisible({ timeout: 30_000 });
    if (outcome === 'kept') {
      await alice.reopen();
      await alice.openChat('bob');
    }
  }
  test.info().annotations.push({ type: 'outcomes', description: outcomes.join(', ') });
});

test('a file picked as the direct channel drops arrives over the relay', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  const files = dir();
  for (let i = 0; i < 3; i++) {
    await expect(alice.connectionPath()).toHaveText('direct', { timeout: 30_000 });
    const name = `switching-${i}.bin`;
    fs.writeFileSync(path.join(files, name), Buffer.alloc(2_000_000 + i, i));
    await Promise.all([alice.dropDirectChannels(), alice.attach(path.join(files, name))]);
    await expect(bob.page.getByRole('link', { name: `Download ${name}` })).toBeVisible({ timeout: 60_000 });
    await expect(alice.fileItem(name)).toContainText('delivered');
  }
});

test("a stored file's offer leaves only after the server has committed its chunks", async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await bob.closeTab();
  await expect(alice.contactButton('bob')).toContainText('offline');
  // What alice's socket carries, in order: the offer (a `send`), the commit, and its answer,
  // logged before the app sees the answer (installed in a fresh page: the app's socket is new).
  await alice.page.addInitScript(() => {
    const log: string[] = ((window as unknown as { wsLog: string[] }).wsLog = []);
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string' && data.includes('"t":"send"')) log.push('offer');
      if (typeof data === 'string' && data.includes('"t":"file_commit"')) log.push('commit');
      return send.call(this, data);
    };
    const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!;
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
      configurable: true,
      get() {
        return onmessage.get!.call(this);
      },
      set(this: WebSocket, fn: ((ev: MessageEvent) => void) | null) {
        onmessage.set!.call(this, fn && ((ev: MessageEvent) => {
          if (typeof ev.data === 'string' && ev.data.includes('"t":"file_stored"')) log.push('file_stored');
          fn(ev);
        }));
      },
    });
  });
  await alice.page.reload();
  await alice.openChat('bob');
  await expect(alice.contactButton('bob')).toContainText('offline');
  const name = 'committed-first.bin';
  const file = path.join(dir(), name);
  fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
  await alice.attach(file);
  await expect(alice.fileItem(name)).toContainText('Kept on the server');
  await expect(alice.fileItem(name)).toContainText('sent');
  expect(await alice.page.evaluate(() => (window as unknown as { wsLog: string[] }).wsLog)).toEqual(['commit', 'file_stored', 'offer']);

  // bob logs in as soon as the offer is there, and alice is gone: the file is on the server.
  await alice.closeTab();
  await bob.reopen();
  await bob.openChat('alice');
  await expect(bob.page.getByRole('link', { name: `Download ${name}` })).toBeVisible({ timeout: 30_000 });
});
