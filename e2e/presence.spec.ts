/**
 * Presence, as two or three people see it: read receipts (and the setting that turns them off both
 * ways), "is typing…" shown and gone, a display name in Chinese seen by the contact, notifications
 * when another conversation is open and when the tab is really hidden (a click focuses the tab and
 * opens the conversation; muted conversations and hidden text respected; nothing is read while
 * hidden), the favicon's unread dot, and the Settings dialog with "Sign out of this browser"
 * leaving nothing behind.
 */
import { chatting, expect, test } from './support/fixtures';
import { notes, recordNotifications } from './support/notifications';
import type { ParleyUser } from './support/parley-user';

const typingRegion = (u: ParleyUser) => u.page.locator('parley-typing-indicator [aria-live="polite"]');

test('read receipts and their setting, typing shown and gone, a display name in Chinese', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await alice.send('are you there?');
  await expect(bob.message('are you there?')).toBeVisible();
  await expect(alice.message('are you there?')).toContainText('· read');

  // Typing: shown while bob types, gone the moment his message arrives…
  await bob.page.getByRole('textbox', { name: 'Message' }).fill('I am');
  await expect(typingRegion(alice)).toHaveText('bob is typing…');
  await bob.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(alice.message('I am')).toBeVisible();
  await expect(typingRegion(alice)).toHaveText('');
  // …and a few seconds after the last keystroke.
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('hm');
  await expect(typingRegion(alice)).toHaveText('bob is typing…');
  await expect(typingRegion(alice)).toHaveText('', { timeout: 12_000 });

  // Bob turns read receipts off: he sends none, and sees none of alice's.
  await bob.setSetting('Send read receipts', false);
  await alice.send('read quietly');
  await expect(bob.message('read quietly')).toBeVisible();
  await bob.send('no receipts for me');
  await expect(alice.message('no receipts for me')).toBeVisible();
  await alice.send('after both');
  await expect(bob.message('after both')).toBeVisible();
  await expect(alice.message('after both')).toContainText('delivered');
  await expect(bob.message('no receipts for me')).toContainText('delivered');
  expect(await alice.message('read quietly').textContent()).not.toContain('· read');
  expect(await bob.message('no receipts for me').textContent()).not.toContain('· read');
  // Bob turns typing off: alice no longer sees him type.
  await bob.setSetting('Show typing', false);
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('secret');
  await alice.page.waitForTimeout(1000);
  await expect(typingRegion(alice)).toHaveText('');

  // A display name in Chinese reaches the contact, sealed, and shows in the conversation's header.
  await alice.openSettings();
  await alice.settings.getByRole('textbox', { name: 'Display name' }).fill('  张伟 ');
  await alice.settings.getByRole('button', { name: 'Save display name' }).click();
  await expect(alice.settings.getByText('Saved. Your contacts will see it.')).toBeVisible();
  await alice.closeSettings();
  await expect(bob.page.getByRole('heading', { name: /张伟/ })).toHaveText(/^张伟\s+alice$/);
  await alice.page.getByRole('textbox', { name: 'Message' }).pressSequentially('x');
  await bob.setSetting('Show typing', true);
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('');
  await alice.page.waitForTimeout(3100); // past the typing throttle
  await alice.page.getByRole('textbox', { name: 'Message' }).pressSequentially('y');
  await expect(typingRegion(bob)).toHaveText('张伟 is typing…');
  // An invalid name is refused with words, and nothing is sent.
  await alice.openSettings();
  await alice.settings.getByRole('textbox', { name: 'Display name' }).fill('bad\u202Ename');
  await alice.settings.getByRole('button', { name: 'Save display name' }).click();
  await expect(alice.settings.getByText('A display name is 1–64 characters, with no control characters.')).toBeVisible();
  await alice.page.keyboard.press('Escape');
  await expect(alice.settings).toBeHidden();
  await expect(bob.page.getByRole('heading', { name: /张伟/ })).toHaveText(/^张伟\s+alice$/);
});

test('a notification when another conversation is open; a click opens the conversation', async ({ openUser, server }) => {
  const [alice, bob] = await chatting(openUser);
  const carol = await openUser('carol');
  await carol.signUp();
  await alice.context.grantPermissions(['notifications'], { origin: server.origin });
  await alice.context.addInitScript(recordNotifications);
  await alice.page.reload();
  await alice.setSetting('Enable notifications', true);
  const icon = alice.page.locator('link[rel="icon"]');
  await expect(icon).toHaveAttribute('href', '/favicon.svg');

  // Nothing for the conversation in front of alice…
  await alice.openChat('bob');
  await bob.send('seen right away');
  await expect(alice.message('seen right away')).toBeVisible();
  // …but a contact request while it is open raises one,
  await carol.befriend(alice);
  await expect.poll(() => notes(alice.page)).toEqual([{ title: 'carol', body: 'Wants to be your contact' }]);
  // and so does a message when another conversation is open; the favicon shows the unread dot.
  await alice.openChat('carol');
  await bob.send('ping from bob');
  await expect.poll(() => notes(alice.page)).toEqual([
    { title: 'carol', body: 'Wants to be your contact' },
    { title: 'bob', body: 'ping from bob' },
  ]);
  await expect(icon).toHaveAttribute('href', '/favicon-unread.svg');
  await alice.page.evaluate(() => window.__notes[1]!.n.dispatchEvent(new Event('click')));
  await expect(alice.page.getByRole('heading', { name: 'bob' })).toBeVisible();
  await expect(alice.message('ping from bob')).toBeVisible();
  await expect(icon).toHaveAttribute('href', '/favicon.svg');

  // With "Show message text in notifications" off, only who wrote. (Headless Chromium here reports
  // every page visible: bringToFront, a minimized window and a background tab all leave
  // document.visibilityState 'visible', so the hidden-tab case is covered by the same condition.)
  await alice.setSetting('Show message text in notifications', false);
  await alice.openChat('carol');
  await bob.send('text hidden');
  await expect.poll(() => notes(alice.page)).toContainEqual({ title: 'bob', body: 'New message' });

  // A muted conversation raises none.
  await alice.openChat('carol');
  await alice.page.getByRole('button', { name: 'Contact details' }).click();
  await alice.page.getByRole('switch', { name: 'Mute notifications' }).check();
  await alice.openChat('bob');
  const before = (await notes(alice.page)).length;
  await carol.openChat('alice');
  await carol.send('muted hello');
  await expect(alice.contactButton('carol')).toBeVisible();
  await alice.page.waitForTimeout(1500);
  expect((await notes(alice.page)).length).toBe(before);
});

test('a notification when the tab is hidden: the sender’s name, the text unless it is off, a click focuses and opens the conversation, none when muted', async ({ openUser, server }) => {
  const alice = await openUser('alice', { hideable: true });
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  await alice.befriend(bob);
  await alice.befriend(carol);
  await bob.openSettings();
  await bob.settings.getByRole('textbox', { name: 'Display name' }).fill('Роберт');
  await bob.settings.getByRole('button', { name: 'Save display name' }).click();
  await bob.closeSettings();
  await alice.context.grantPermissions(['notifications'], { origin: server.origin });
  await alice.context.addInitScript(recordNotifications);
  await alice.page.reload();
  await alice.setSetting('Enable notifications', true);
  const bobRow = alice.page.getByRole('button', { name: /^Роберт bob\b/ });
  await bobRow.click();
  await expect(alice.page.getByRole('heading', { name: /Роберт/ })).toHaveText(/^Роберт\s+bob$/);
  await bob.openChat('alice');

  // In front of alice, nothing; hidden, the same conversation raises one, and nothing is read.
  await bob.send('seen at once');
  await expect(bob.message('seen at once')).toContainText('· read');
  await alice.hideTab();
  await bob.send('while hidden');
  await expect.poll(() => notes(alice.page)).toEqual([{ title: 'Роберт', body: 'while hidden' }]);
  await expect(bob.message('while hidden')).toContainText('delivered');
  await alice.page.waitForTimeout(1000);
  await expect(bob.message('while hidden')).not.toContainText('· read');
  // Open but hidden, the conversation is not being read: the title counts it until the tab is back.
  await expect(alice.page).toHaveTitle('(1) Parley');
  await alice.showTab();
  await expect(bob.message('while hidden')).toContainText('· read');
  await expect(alice.page).toHaveTitle('Parley');

  // Text off: only who wrote. A click focuses the tab and opens the conversation.
  await alice.setSetting('Show message text in notifications', false);
  await alice.openChat('carol');
  await alice.hideTab();
  await bob.send('secret words');
  await expect.poll(() => notes(alice.page)).toContainEqual({ title: 'Роберт', body: 'New message' });
  expect(JSON.stringify(await notes(alice.page))).not.toContain('secret words');
  await alice.page.evaluate(() => window.__notes.at(-1)!.n.dispatchEvent(new Event('click')));
  expect(await alice.page.evaluate(() => window.__focused)).toBe(1);
  await expect(alice.page.getByRole('heading', { name: /Роберт/ })).toBeVisible();
  await expect(alice.message('secret words')).toBeVisible();

  // A muted conversation raises none, hidden or not.
  await alice.showTab();
  await alice.page.getByRole('button', { name: 'Contact details' }).click();
  await alice.page.getByRole('switch', { name: 'Mute notifications' }).check();
  await alice.hideTab();
  const before = (await notes(alice.page)).length;
  await bob.send('muted hello');
  await expect(bob.message('muted hello')).toContainText('delivered');
  await alice.page.waitForTimeout(1000);
  expect((await notes(alice.page)).length).toBe(before);
});

test('the Settings dialog opens and closes; Sign out of this browser returns to sign-up with the data gone', async ({ openUser }) => {
  const alice = await openUser('alice');
  await alice.signUp();
  await alice.page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(alice.settings).toBeVisible();
  for (const name of ['Relay only', 'Send read receipts', 'Show typing', 'Enable notifications', 'Show message text in notifications']) {
    await expect(alice.settings.getByRole('checkbox', { name, exact: true })).toBeVisible();
  }
  await expect(alice.settings.getByRole('checkbox', { name: 'Send read receipts' })).toBeChecked();
  await expect(alice.settings.getByRole('checkbox', { name: 'Enable notifications' })).not.toBeChecked(); // never asked on load
  await alice.page.keyboard.press('Escape');
  await expect(alice.settings).toBeHidden();
  await alice.openSettings();
  await alice.closeSettings();

  await alice.openSettings();
  await alice.settings.getByRole('button', { name: 'Sign out of this browser' }).click();
  await expect(alice.settings.getByText('export a backup first')).toBeVisible();
  await alice.settings.getByRole('button', { name: 'Cancel' }).click();
  await alice.settings.getByRole('button', { name: 'Sign out of this browser' }).click();
  await alice.settings.getByRole('button', { name: 'Delete this browser’s data and sign out' }).click();
  await expect(alice.page.getByRole('button', { name: 'Create account' })).toBeVisible();
  const left = await alice.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const files: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) files.push(name);
    const dbs = (await indexedDB.databases()).map((d) => d.name);
    return { files, dbs };
  });
  expect(left.files).toEqual([]);
  expect(left.dbs).not.toContain('parley-transfer-parts');
  await alice.page.reload();
  await expect(alice.page.getByRole('button', { name: 'Create account' })).toBeVisible();
});
