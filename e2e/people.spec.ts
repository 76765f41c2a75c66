// People: the conversation list (latest activity first, previews, unread counts in the names a
// screen reader hears, the tab's title), Search (conversations by name, messages by text, opening
// the conversation at the message found), block / unblock / remove contact as the server enforces
// them, and a session taken over by another tab. Real server, real Chromium, three users.
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import type { ParleyUser } from './support/parley-user';
import { befriended, expect, test, type OpenUser } from './support/fixtures';

/** The rows of the conversation list, top to bottom, by the name each row starts with. */
async function rowOrder(user: ParleyUser): Promise<string[]> {
  const names = await user.page.getByRole('list', { name: 'Conversations' }).getByRole('button').allTextContents();
  return names.map((n) => n.trim().split(/\s+/)[0]);
}

/** alice, bob and carol, signed up, alice a contact of both. */
async function threeUsers(openUser: OpenUser): Promise<ParleyUser[]> {
  const users = await Promise.all(['alice', 'bob', 'carol'].map((n) => openUser(n)));
  await Promise.all(users.map((u) => u.signUp()));
  await users[0].befriend(users[1]);
  await users[0].befriend(users[2]);
  return users;
}

const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search' });
const found = (page: Page) => page.getByRole('list', { name: 'Messages found' }).getByRole('button');

test('the list follows activity, counts what is unread, and Search finds a message and opens the conversation at it', async ({ openUser }, testInfo) => {
  const [alice, bob, carol] = await threeUsers(openUser);
  await bob.openChat('alice');
  await carol.openChat('alice');

  // bob writes a long conversation: the message to find is the first, far above the latest.
  await bob.send('Meet me at the Secret Harbour at nine');
  const tall = '\n'.repeat(8);
  for (let i = 1; i <= 6; i++) await bob.send(`filler ${tall}line ${i}`);
  await expect(alice.contactButton('bob')).toHaveAccessibleName(/line 6, 7 unread$/);
  await carol.send('明天见 at the station');
  // The latest activity first; each row previews its last message and counts what is unread.
  await expect.poll(() => rowOrder(alice)).toEqual(['carol', 'bob']);
  await expect(alice.contactButton('carol')).toHaveAccessibleName(/^carol\b.*明天见 at the station, 1 unread$/);
  await expect(alice.page).toHaveTitle('(8) Parley');

  await alice.openChat('carol');
  await expect(alice.contactButton('carol')).not.toHaveAccessibleName(/unread/);
  await expect(alice.page).toHaveTitle('(7) Parley');
  // alice's own message moves the conversation, and a file previews as its name.
  const file = testInfo.outputPath('notes.txt');
  fs.writeFileSync(file, 'some notes');
  await alice.openChat('bob');
  await expect(alice.page).toHaveTitle('Parley');
  await alice.send('on my way');
  await expect.poll(() => rowOrder(alice)).toEqual(['bob', 'carol']);
  await alice.openChat('carol');
  await alice.attach(file);
  await expect(alice.contactButton('carol')).toContainText('📎 notes.txt');
  await expect.poll(() => rowOrder(alice)).toEqual(['carol', 'bob']);

  // Search filters the conversations by name...
  await searchBox(alice.page).fill('CAR');
  await expect.poll(() => rowOrder(alice)).toEqual(['carol']);
  // ...and finds messages by text in any conversation, whatever the case, in 中文 too.
  await searchBox(alice.page).fill('明天');
  await expect(found(alice.page)).toHaveCount(1);
  await expect(found(alice.page)).toHaveAccessibleName(/^carol\b.*明天见 at the station/);
  await searchBox(alice.page).fill('secret harbour');
  await expect(found(alice.page)).toHaveCount(1);
  await expect(found(alice.page)).toHaveAccessibleName(/^bob\b.*Meet me at the Secret Harbour at nine/);
  await searchBox(alice.page).fill('no such words anywhere');
  await expect(alice.page.getByText('No messages found.')).toBeVisible();
  await searchBox(alice.page).fill('secret harbour');
  await found(alice.page).click();
  await expect(alice.page.getByRole('heading', { name: 'bob' })).toBeVisible();
  await expect(alice.message('Meet me at the Secret Harbour at nine')).toBeInViewport();
  await expect(alice.log.getByRole('listitem').filter({ hasText: 'line 6' })).not.toBeInViewport();
});

test('block stops messages and presence until unblocked, and is kept by the server', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  await Promise.all([alice.signUp(), bob.signUp()]);
  await alice.befriend(bob);
  await bob.openChat('alice');
  await expect(bob.contactButton('alice')).toContainText('online');

  await alice.openChat('bob');
  await alice.page.getByRole('button', { name: 'Contact details' }).click();
  await alice.page.getByRole('button', { name: 'Block', exact: true }).click();
  // Shown blocked in the list and the header; nothing can be written to bob.
  await expect(alice.contactButton('bob')).toContainText('blocked');
  await expect(alice.page.locator('parley-conversation header')).toContainText('blocked');
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  await expect(alice.page.getByText('You blocked bob. Unblock them to send messages.')).toBeVisible();
  // bob sees alice go offline (as if she had), and what he sends never reaches her.
  await expect(bob.contactButton('alice')).toContainText('offline');
  await bob.send('are you ignoring me?');
  await expect(bob.message('are you ignoring me?')).toContainText('sent');
  // A reload (a new browser would do the same, from the server's list) still shows the block.
  await alice.page.reload();
  await expect(alice.contactButton('bob')).toContainText('blocked');
  await alice.openChat('bob');
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  await expect(alice.message('are you ignoring me?')).toHaveCount(0);
  await expect(alice.contactButton('bob')).not.toHaveAccessibleName(/unread/);

  await alice.page.getByRole('button', { name: 'Contact details' }).click();
  await alice.page.getByRole('button', { name: 'Unblock' }).click();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await expect(alice.contactButton('bob')).toContainText('online');
  await expect(bob.contactButton('alice')).toContainText('online');
  await bob.send('back again');
  await expect(alice.message('back again')).toBeVisible();
  await expect(alice.message('are you ignoring me?')).toHaveCount(0); // what came during the block stays dropped
});

test('remove ends the contact; a blocked user\'s request never arrives, another\'s does', async ({ openUser }) => {
  const [alice, bob, carol] = await threeUsers(openUser);
  await bob.openChat('alice');
  await alice.openChat('bob');
  await alice.page.getByRole('button', { name: 'Contact details' }).click();

  // Remove, after a confirmation: bob is gone from alice's list, and what he sends is refused.
  await alice.page.getByRole('button', { name: 'Remove contact' }).click();
  await alice.page.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(alice.contactButton('bob')).toHaveCount(0);
  await expect(alice.page.getByRole('heading', { name: 'bob' })).toHaveCount(0);
  await expect(bob.contactButton('alice')).toContainText('offline');
  await bob.send('still there?');
  await expect(bob.message('still there?')).toContainText('Not delivered: you are no longer contacts.');
  await alice.page.reload();
  await expect(alice.page.getByText('Signed in as alice')).toBeVisible();
  await expect(alice.contactButton('carol')).toBeVisible();
  await expect(alice.contactButton('bob')).toHaveCount(0);

  // A blocked user's contact request never reaches the blocker: carol is blocked, then removed, then asks.
  await alice.openChat('carol');
  await alice.page.getByRole('button', { name: 'Contact details' }).click();
  await alice.page.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(alice.contactButton('carol')).toContainText('blocked');
  await alice.page.getByRole('button', { name: 'Remove contact' }).click();
  await alice.page.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(alice.contactButton('carol')).toHaveCount(0);
  await carol.page.getByRole('textbox', { name: 'Add contact' }).fill('alice');
  await carol.page.getByRole('button', { name: 'Send request' }).click();
  await expect(carol.page.getByText('Request sent to alice.')).toBeVisible();
  // bob, not blocked, may ask again, and his request arrives; carol's never does.
  await bob.page.getByRole('textbox', { name: 'Add contact' }).fill('alice');
  await bob.page.getByRole('button', { name: 'Send request' }).click();
  await expect(alice.page.getByRole('listitem').filter({ hasText: 'bob wants to connect' })).toBeVisible();
  await expect(alice.page.getByText('carol wants to connect')).toHaveCount(0);
});

test('a session taken over by another tab says so, stops composing and shows presence as unknown', async ({ openUser }) => {
  const [alice, bob] = await befriended(openUser);
  await alice.openChat('bob');
  await expect(alice.contactButton('bob')).toContainText('online');

  const other = await alice.context.newPage();
  await other.goto(alice.page.url());
  await expect(other.getByText('Signed in as alice')).toBeVisible();
  const banner = alice.page.getByRole('alert').filter({ hasText: 'This account is now used in another browser or tab.' });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('button', { name: 'Reload' })).toBeVisible();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  await expect(alice.page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
  await expect(alice.page.getByText('messages can no longer be sent from here')).toBeVisible();
  // Nobody's presence is known here any more: not "offline", not "online".
  await expect(alice.contactButton('bob')).not.toContainText('offline');
  await expect(alice.contactButton('bob')).not.toContainText('online');
  await expect(alice.page.locator('parley-conversation header')).not.toContainText('offline');
  // The other tab is the one that works.
  await other.getByRole('button', { name: /^bob\b/ }).click();
  await other.getByRole('textbox', { name: 'Message' }).fill('from the new tab');
  await other.getByRole('button', { name: 'Send', exact: true }).click();
  await bob.openChat('alice');
  await expect(bob.message('from the new tab')).toBeVisible();
});
