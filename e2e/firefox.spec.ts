/**
 * Firefox stays supported: bob in Debian's Firefox ESR (puppeteer-core over WebDriver BiDi),
 * alice in Chromium, one real server. Sign-up, a contact request, messages both ways, the direct
 * path between the two engines, a reply and reactions both ways, a small file each way whose bytes are checked by SHA-256, and a
 * contact's HTML file that Firefox downloads instead of rendering in Parley's origin.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, test } from './support/fixtures';
import { FirefoxUser, sha256Hex } from './support/firefox-user';

test('Firefox and Chromium: sign-up, request, messages both ways, the direct path, a reply and reactions, a file each way', async ({ openUser }) => {
  test.setTimeout(180_000);
  const alice = await openUser('alice');
  const bob = await FirefoxUser.open('bob', new URL(alice.page.url()).origin);
  try {
    await alice.signUp();
    await bob.signUp();

    await alice.page.getByRole('textbox', { name: 'Add contact' }).fill('bob');
    await alice.page.getByRole('button', { name: 'Send request' }).click();
    await bob.click('Accept', true);
    await alice.openChat('bob');
    await bob.openChat('alice');

    await alice.send('hello from chromium');
    await bob.waitForPageText('hello from chromium');
    await bob.send('hello from firefox');
    await expect(alice.message('hello from firefox')).toBeVisible();
    await expect(alice.message('hello from chromium')).toContainText('delivered');

    // Both engines on one data channel: the path reads "direct" on both sides, and what is sent
    // then goes over it.
    await expect(alice.connectionPath()).toHaveText('direct', { timeout: 30_000 });
    await bob.waitForText('status', 'Connection path', (text) => text === 'direct');
    const before = await alice.rtc();
    await alice.send('over the channel');
    await bob.send('and back');
    await expect(alice.message('and back')).toBeVisible();
    await bob.waitForPageText('over the channel');
    // Each message, and each side's read receipt for the other's, goes over the channel. From
    // Firefox at least those two: one full run under load saw a third envelope (not identified;
    // likely its receipts split over two turns), and more over the channel is no failure here.
    await expect.poll(async () => (await alice.rtc()).sentEnvelopes - before.sentEnvelopes).toBe(2);
    await expect.poll(async () => (await alice.rtc()).receivedEnvelopes - before.receivedEnvelopes).toBeGreaterThanOrEqual(2);
    await expect(alice.message('over the channel')).toContainText('· read');
    expect(await bob.messageTexts()).toEqual(['hello from chromium', 'hello from firefox', 'over the channel', 'and back']);

    // A reply from Firefox quoting Chromium's message, and a reaction each way on it.
    await bob.messageAction('hello from chromium', 'Reply');
    await bob.waitForPageText('Replying to alice');
    await bob.send('a reply from firefox');
    await bob.buttonInMessage('a reply from firefox', 'In reply to alice: hello from chromium');
    await expect(alice.message('a reply from firefox').getByRole('button', { name: 'In reply to You: hello from chromium' })).toBeVisible();
    await alice.message('a reply from firefox').getByRole('button', { name: 'Message actions' }).click();
    await alice.page.getByRole('menuitem', { name: 'React', exact: true }).click();
    await alice.page.getByRole('menuitem', { name: '👍' }).click();
    await (await bob.buttonInMessage('a reply from firefox', '👍 1')).click();
    await expect(alice.message('a reply from firefox').getByRole('button', { name: '👍 2' })).toBeVisible();
    await bob.messageAction('hello from firefox', 'React', '😂');
    await expect(alice.message('hello from firefox').getByRole('button', { name: '😂 1' })).toBeVisible();

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-firefox-'));
    const toBob = randomBytes(200_000);
    const toAlice = randomBytes(150_000);
    fs.writeFileSync(path.join(dir, 'to-bob.bin'), toBob);
    fs.writeFileSync(path.join(dir, 'to-alice.bin'), toAlice);
    await alice.attach(path.join(dir, 'to-bob.bin'));
    expect(sha256Hex(await bob.download('to-bob.bin'))).toBe(sha256Hex(toBob));
    await bob.attach(path.join(dir, 'to-alice.bin'));
    expect(sha256Hex(await alice.download('to-alice.bin'))).toBe(sha256Hex(toAlice));

    // A contact's HTML file opened as an address is downloaded, never rendered in Parley's origin.
    const html = '<!doctype html><title>rendered</title><script>window.ran = true; document.title = "ran"</script>';
    fs.writeFileSync(path.join(dir, 'page.html'), html);
    await alice.attach(path.join(dir, 'page.html'));
    expect((await bob.download('page.html')).toString()).toBe(html);
    fs.rmSync(path.join(bob.downloadDir, 'page.html'));
    const opened = await bob.openLinkAsAddress('page.html');
    expect(opened).toEqual({ title: '', ran: false });
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    await bob.close();
  }
});
