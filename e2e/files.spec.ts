import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chatting, expect, test } from './support/fixtures';

const MiB = 1024 * 1024;

/** Writes `bytes` random bytes to a temporary file named `name`; returns its path and SHA-256. */
function randomFile(name: string, bytes: number): { path: string; sha256: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-file-'));
  const file = path.join(dir, name);
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= MiB) {
    const block = crypto.randomBytes(Math.min(MiB, left));
    hash.update(block);
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
  return { path: file, sha256: hash.digest('hex') };
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

test('a 10 MiB file goes over the direct channel and arrives with the same SHA-256', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await expect(alice.connectionPath()).toHaveText('direct');
  const file = randomFile('random-direct.bin', 10 * MiB);
  await alice.attach(file.path);

  await expect(bob.page.getByRole('link', { name: 'Download random-direct.bin' })).toBeVisible({ timeout: 60_000 });
  expect(sha256(await bob.download('random-direct.bin'))).toBe(file.sha256);
  await expect(alice.fileItem('random-direct.bin')).toContainText('delivered');
  // The chunks went over the data channel, not through the server.
  const sent = await alice.rtc();
  expect(sent.channelBytesSent).toBeGreaterThan(10 * MiB);
  expect(sent.socketBytesSent).toBe(0);
});

test('a 10 MiB file goes over the relay when no direct path can form, verified', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser, { noUdp: true });
  await expect(alice.connectionPath()).toHaveText('relay');
  const file = randomFile('random-relay.bin', 10 * MiB);
  await alice.attach(file.path);

  await expect(bob.page.getByRole('link', { name: 'Download random-relay.bin' })).toBeVisible({ timeout: 60_000 });
  expect(sha256(await bob.download('random-relay.bin'))).toBe(file.sha256);
  const sent = await alice.rtc();
  expect(sent.socketBytesSent).toBeGreaterThan(10 * MiB);
  expect(sent.channelBytesSent).toBe(0);
  await expect(bob.connectionPath()).toHaveText('relay');
});

test('an image shows an inline preview on both sides', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  // A real 2×2 PNG, drawn by the browser itself.
  const dataUrl = await alice.page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 2;
    canvas.getContext('2d')!.fillRect(0, 0, 1, 1);
    return canvas.toDataURL('image/png');
  });
  const png = Buffer.from(dataUrl.split(',')[1]!, 'base64');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-img-'));
  const file = path.join(dir, 'tiny.png');
  fs.writeFileSync(file, png);
  await alice.attach(file);

  for (const user of [bob, alice]) {
    const img = user.log.getByRole('img', { name: 'tiny.png' });
    await expect(img).toBeVisible();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(2);
  }
  expect(sha256(await bob.download('tiny.png'))).toBe(sha256(png));
});

test('a received file stays on the device across reloads (a stored file nothing owns is swept), and says so once its content is gone', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  const file = randomFile('kept.bin', 300 * 1024);
  await alice.attach(file.path);
  await expect(bob.page.getByRole('link', { name: 'Download kept.bin' })).toBeVisible({ timeout: 30_000 });
  // A stored file no transfer owns (its removal failed once, say) is swept at the next start.
  const storedNames = () =>
    bob.page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('parley-transfers');
      const names: string[] = [];
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    });
  await bob.page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('parley-transfers');
    await dir.getFileHandle('0123456789abcdef0123456789abcdef', { create: true });
  });
  expect(await storedNames()).toHaveLength(2);

  await bob.page.reload();
  await bob.openChat('alice');
  expect(sha256(await bob.download('kept.bin'))).toBe(file.sha256);
  await expect.poll(storedNames).toHaveLength(1);
  expect(await storedNames()).not.toContain('0123456789abcdef0123456789abcdef');

  // Site data partly cleared: the received files go, the history stays.
  await bob.page.evaluate(async () => (await navigator.storage.getDirectory()).removeEntry('parley-transfers', { recursive: true }));
  await bob.page.reload();
  await bob.openChat('alice');
  await expect(bob.fileItem('kept.bin')).toContainText('This file is no longer on this device.');
  await expect(bob.page.getByRole('link', { name: 'Download kept.bin' })).toHaveCount(0);
});

test('where the browser refuses the origin private file system, a received file is kept in IndexedDB instead', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  // As some private windows do: the page may not have OPFS at all.
  await bob.page.addInitScript(() => {
    Object.defineProperty(StorageManager.prototype, 'getDirectory', {
      value: () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError')),
    });
  });
  await bob.page.reload();
  await bob.openChat('alice');
  const file = randomFile('no-opfs.bin', 3 * MiB + 123);
  await alice.attach(file.path);
  await expect(bob.page.getByRole('link', { name: 'Download no-opfs.bin' })).toBeVisible({ timeout: 60_000 });
  expect(sha256(await bob.download('no-opfs.bin'))).toBe(file.sha256);
  await expect(alice.fileItem('no-opfs.bin')).toContainText('delivered');
  expect(await bob.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toContain('parley-transfer-parts');

  await bob.page.reload();
  await bob.openChat('alice');
  expect(sha256(await bob.download('no-opfs.bin'))).toBe(file.sha256);
});

test.describe('slow relay', () => {
  // A slow relay keeps transfers in flight long enough to act on them.
  test.use({ serverEnv: { RELAY_BYTES_PER_SEC: String(1 * MiB), RELAY_BURST_BYTES: String(512 * 1024) } });

  for (const who of ['sender', 'receiver'] as const) {
    test(`the ${who} cancels and the transfer stops on both sides`, async ({ openUser }) => {
      const [alice, bob] = await chatting(openUser, { noUdp: true });
      const file = randomFile('big.bin', 16 * MiB);
      await alice.attach(file.path);
      await expect.poll(() => bob.percent('big.bin'), { timeout: 30_000 }).toBeGreaterThan(0);
      // The sender's entry says how far the file is, not that its offer was delivered.
      await expect(alice.fileItem('big.bin')).toContainText(/Sending \d+%/);
      await expect(alice.fileItem('big.bin')).not.toContainText('delivered');

      const canceller = who === 'sender' ? alice : bob;
      await canceller.fileItem('big.bin').getByRole('button', { name: 'Cancel' }).click();
      for (const user of [alice, bob]) {
        await expect(user.fileItem('big.bin')).toContainText('Cancelled');
        await expect(user.progress('big.bin')).toHaveCount(0);
      }
      await expect(alice.fileItem('big.bin')).not.toContainText(/delivered|Sending/);
      // Nothing more flows once both sides stopped: what the relay already held for bob drains (up to
      // the sender's window), then a half second brings next to nothing, where a sender still at it
      // would bring half a MiB.
      const inHalfASecond = async () => {
        const before = (await bob.rtc()).socketBytesReceived;
        await bob.page.waitForTimeout(500);
        return (await bob.rtc()).socketBytesReceived - before;
      };
      await expect.poll(inHalfASecond, { timeout: 10_000, intervals: [0] }).toBeLessThan(32 * 1024);
      await expect(bob.page.getByRole('link', { name: 'Download big.bin' })).toHaveCount(0);
    });
  }
});

test.describe('relay at 2 MiB/s', () => {
  // Fast enough for a file several progress saves long, slow enough to reload in the middle of it.
  test.use({ serverEnv: { RELAY_BYTES_PER_SEC: String(2 * MiB), RELAY_BURST_BYTES: String(512 * 1024) } });

  test('the receiver reloads mid-transfer and it resumes from what was stored', async ({ openUser }) => {
    const [alice, bob] = await chatting(openUser, { noUdp: true });
    const size = 24 * MiB;
    const file = randomFile('resume.bin', size);
    await alice.attach(file.path);
    await expect.poll(() => bob.percent('resume.bin'), { timeout: 30_000 }).toBeGreaterThanOrEqual(40);
    const before = await bob.percent('resume.bin');

    await bob.page.reload();
    await bob.openChat('alice');
    // Straight after the reload the bar starts from what is stored, not from zero (the receiver
    // saves its progress every 64 chunks, so it may go back by up to 4 MiB: 16.7% of this file)...
    // The conversation renders its messages a moment after it opens: read the bar once it is there.
    await expect(bob.progress('resume.bin')).toBeVisible();
    const after = await bob.percent('resume.bin');
    expect(after).toBeGreaterThanOrEqual(before - 17);
    expect(after).toBeGreaterThan(0);
    await expect(bob.page.getByRole('link', { name: 'Download resume.bin' })).toBeVisible({ timeout: 60_000 });
    expect(sha256(await bob.download('resume.bin'))).toBe(file.sha256);
    // ...and the reloaded page asked the sender only for the chunks past its last saved progress
    // (64 KiB each; at most 64 written after that save, and one for a write the reload cut short).
    const wants = await bob.page.evaluate(() => window.__rtc.relayWants);
    expect(wants.length).toBeGreaterThan(0);
    expect(wants[0]!.from).toBeGreaterThan(0);
    expect(wants[0]!.from).toBeGreaterThanOrEqual(Math.floor(((before / 100) * size) / (64 * 1024)) - 65);
  });
});

test('the direct channel drops mid-transfer and the file completes, verified, over the relay', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await bob.setAutoAccept(64); // over the 25 MB fetched without asking
  await expect(alice.connectionPath()).toHaveText('direct');
  const file = randomFile('switch.bin', 48 * MiB);
  await alice.attach(file.path);
  await expect.poll(() => bob.percent('switch.bin'), { timeout: 30_000, intervals: [50] }).toBeGreaterThan(0);

  // From now on alice's identity claims are forged, so the link cannot go direct again.
  await alice.page.evaluate(() => (window.__rtc.tamperHello = true));
  await alice.dropDirectChannels();
  await expect(alice.connectionPath()).toHaveText('relay');
  await expect(bob.page.getByRole('link', { name: 'Download switch.bin' })).toBeVisible({ timeout: 80_000 });
  expect(sha256(await bob.download('switch.bin'))).toBe(file.sha256);
  const sent = await alice.rtc();
  expect(sent.channelBytesSent).toBeGreaterThan(0);
  expect(sent.socketBytesSent).toBeGreaterThan(0);
  expect(sent.channelBytesSent).toBeLessThan(48 * MiB);
});

test.describe('a contact who is offline', () => {
  test.use({ serverEnv: { OFFLINE_FILE_MAX_BYTES: String(4 * MiB) } });

  test('receives a small file after logging in, though the sender has gone too', async ({ openUser }) => {
    const [alice, bob] = await chatting(openUser);
    await bob.closeTab();
    await expect(alice.contactButton('bob')).toContainText('offline');
    const file = randomFile('for-later.bin', 3 * MiB);
    await alice.attach(file.path);
    await expect(alice.fileItem('for-later.bin')).toContainText('Kept on the server');
    // Offered only once kept: the offer is with the server too ("sent") when the sender leaves.
    await expect(alice.fileItem('for-later.bin')).toContainText('sent');
    await alice.closeTab();

    await bob.reopen();
    await bob.openChat('alice');
    await expect(bob.page.getByRole('link', { name: 'Download for-later.bin' })).toBeVisible({ timeout: 30_000 });
    expect(sha256(await bob.download('for-later.bin'))).toBe(file.sha256);
  });

  test('is not sent a file over the limit, and the sender is told why', async ({ openUser }) => {
    const [alice, bob] = await chatting(openUser);
    await bob.closeTab();
    await expect(alice.contactButton('bob')).toContainText('offline');
    const file = randomFile('too-big.bin', 5 * MiB);
    await alice.attach(file.path);
    await expect(alice.page.getByRole('alert')).toContainText('bob is offline');
    await expect(alice.page.getByRole('alert')).toContainText('too-big.bin');
    await expect(alice.fileItem('too-big.bin')).toHaveCount(0);
  });
});
