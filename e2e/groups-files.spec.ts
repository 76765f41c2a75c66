// Images and files in groups (issue 12 item 6), in real Chromium against the real server: alice
// posts an image in a group of three; it is sealed and uploaded once (one copy in the server's
// database), and bob and carol each fetch that copy, check its SHA-256 and see its preview. Then nothing of any group message or file is
// readable on the server's disk: every file under its data directory (the SQLite database, its WAL
// and shared memory included) is scanned for the message's text, the file's name and the image's bytes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './support/fixtures';
import { createGroup, member, members, openGroup } from './support/group-ui';

const GROUP = 'Photo club';

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : e.isFile() ? [full] : [];
  });
}

test('an image posted in a group is fetched by every member with its preview, and the server keeps no plaintext of it or of a message', async ({ openUser, server }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  await alice.befriend(bob);
  await alice.befriend(carol);

  await createGroup(alice, GROUP);
  await members(alice); // "Add members" is in the group's details
  await alice.page.getByRole('button', { name: 'Add members' }).click();
  await alice.page.getByRole('checkbox', { name: 'bob' }).check();
  await alice.page.getByRole('checkbox', { name: 'carol' }).check();
  await alice.page.getByRole('button', { name: 'Add to group' }).click();
  await expect(await member(alice, 'carol')).toContainText('member');
  await openGroup(bob, GROUP);
  await openGroup(carol, GROUP);

  const canary = crypto.randomBytes(8).toString('hex');
  const text = `group plaintext canary ${canary}`;
  await alice.send(text);
  await expect(bob.message(text)).toBeVisible();
  await expect(carol.message(text)).toBeVisible();

  // A real 8×8 PNG of random pixels, drawn by the browser: its pixel data is a byte pattern no other file has.
  const dataUrl = await alice.page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 8;
    const ctx = canvas.getContext('2d')!;
    const pixels = ctx.createImageData(8, 8);
    crypto.getRandomValues(pixels.data);
    for (let i = 3; i < pixels.data.length; i += 4) pixels.data[i] = 255;
    ctx.putImageData(pixels, 0, 0);
    return canvas.toDataURL('image/png');
  });
  const png = Buffer.from(dataUrl.split(',')[1]!, 'base64');
  const name = `photo-${canary}.png`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-group-img-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, png);
  await alice.attach(file);

  for (const user of [bob, carol, alice]) {
    const img = user.log.getByRole('img', { name });
    await expect(img).toBeVisible();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(8);
  }
  const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
  expect(sha(await carol.download(name))).toBe(sha(png));

  // Uploaded once, not once per member: one copy, kept for the group, from alice.
  const db = new Database(path.join(server.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true });
  try {
    // Beside the file: the group's kept ratchet tree (t:<group>, public MLS data, group-trees.ts).
    expect(db.prepare("SELECT recipient, sender, complete FROM stored_files WHERE sender != '~tree'").all()).toEqual([{ recipient: expect.stringMatching(/^g:/), sender: alice.name, complete: 1 }]);
    expect(db.prepare("SELECT recipient FROM stored_files WHERE sender = '~tree'").all()).toEqual([{ recipient: expect.stringMatching(/^t:/) }]);
  } finally {
    db.close();
  }

  // The image's compressed pixels: the IDAT chunk's data (after its length and type).
  const idat = png.indexOf('IDAT');
  const pixels = png.subarray(idat + 4, idat + 4 + Math.min(48, png.readUInt32BE(idat - 4)));
  expect(pixels.length).toBeGreaterThanOrEqual(16);
  const secrets = { text: Buffer.from(canary), name: Buffer.from(name), png, pixels };
  const scanned = filesUnder(server.dataDir);
  // The scan reads what the server really wrote: the uploader's name is there (the copy is kept under it).
  expect(scanned.some((f) => fs.readFileSync(f).includes(Buffer.from(`g:`)) && fs.readFileSync(f).includes(Buffer.from(alice.name)))).toBe(true);
  for (const f of scanned) {
    const bytes = fs.readFileSync(f);
    for (const [what, secret] of Object.entries(secrets)) expect(bytes.indexOf(secret), `${what} in ${path.relative(server.dataDir, f)}`).toBe(-1);
  }
});

test('a file posted in a group shows at once with its upload progress and Cancel, and a reload mid-upload fails it visibly', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  for (const u of [alice, bob]) await u.signUp();
  await alice.befriend(bob);
  await createGroup(alice, GROUP);
  await members(alice);
  await alice.page.getByRole('button', { name: 'Add members' }).click();
  await alice.page.getByRole('checkbox', { name: 'bob' }).check();
  await alice.page.getByRole('button', { name: 'Add to group' }).click();
  await expect(await member(alice, 'bob')).toContainText('member');
  await openGroup(bob, GROUP);

  // alice's socket passes through here: while `holding`, her commits of group files never reach
  // the server, so each upload stays under way (the server has not stored the copy) as long as needed.
  let holding = true;
  await alice.context.routeWebSocket(/./, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (holding && typeof m === 'string' && m.includes('"group_file_commit"')) return;
      server.send(m);
    });
  });
  await alice.page.reload();
  await openGroup(alice, GROUP);
  await alice.send('before the files');
  await expect(bob.message('before the files')).toBeVisible();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-group-upload-'));
  const write = (name: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, crypto.randomBytes(300_000));
    return file;
  };
  // At once: the sender's bubble, "Uploading N%", its progress and Cancel; nothing is posted yet.
  await alice.attach(write('cut-short.bin'));
  const first = alice.fileItem('cut-short.bin');
  await expect(first).toContainText(/Uploading \d+%/);
  await expect(alice.progress('cut-short.bin')).toBeVisible();
  await expect(first.getByRole('button', { name: 'Cancel' })).toBeVisible();
  // A reload cuts it short: the bubble stays, failed, and says what to do.
  await alice.page.reload();
  await openGroup(alice, GROUP);
  await expect(first).toContainText('The transfer was interrupted. Send the file again.');
  await expect(first).toContainText('failed');
  await expect(first.getByRole('button', { name: 'Cancel' })).toHaveCount(0);

  // Cancel ends an upload under way: the bubble says so.
  await alice.attach(write('changed-my-mind.bin'));
  const second = alice.fileItem('changed-my-mind.bin');
  await expect(second).toContainText(/Uploading \d+%/);
  await second.getByRole('button', { name: 'Cancel' }).click();
  await expect(second).toContainText('Cancelled.');
  await expect(alice.progress('changed-my-mind.bin')).toHaveCount(0);

  // Once the server stores the copy, the same bubble is posted and bob gets the file.
  holding = false;
  await alice.attach(write('arrives.bin'));
  await expect(bob.fileItem('arrives.bin').getByRole('link', { name: 'Download arrives.bin' })).toBeVisible();
  await expect(alice.fileItem('arrives.bin')).toHaveCount(1);
  await expect(alice.fileItem('arrives.bin')).not.toContainText('Uploading');
  await expect(bob.fileItem('cut-short.bin')).toHaveCount(0);
  await expect(bob.fileItem('changed-my-mind.bin')).toHaveCount(0);
});
