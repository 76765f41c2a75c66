// Member chats in real Chromium against the real server (issue 12, item 5): bob and carol, both
// alice's contacts but not each other's, are in alice's group that lets members message each
// other. bob opens a chat with carol from the member list ("Message"); it is marked "Not a
// contact" with "Add contact" and "Block"; they chat both ways (typing shows, presence does not);
// once alice turns the setting off bob's next message is refused and he reads why, and the
// history stays; "Add contact" then makes them contacts and the chat goes on. Both see the same
// safety number for each other in the chat's details and from the group's "Members" list.
import { expect, test } from './support/fixtures';
import { createGroup, groupButton, member, openGroup } from './support/group-ui';

const GROUP = 'Climbers';

test('two members who are not contacts chat from the member list until the group stops allowing it', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  await alice.befriend(bob);
  await alice.befriend(carol);

  await createGroup(alice, GROUP);
  await alice.page.getByRole('button', { name: 'Group details' }).click();
  const memberChats = alice.page.getByRole('checkbox', { name: 'Members can message each other' });
  await memberChats.check();
  await alice.page.getByRole('button', { name: 'Save settings' }).click();
  await expect(alice.page.getByText('Saved.')).toBeVisible();
  await alice.page.getByRole('button', { name: 'Add members' }).click();
  await alice.page.getByRole('checkbox', { name: 'bob' }).check();
  await alice.page.getByRole('checkbox', { name: 'carol' }).check();
  await alice.page.getByRole('button', { name: 'Add to group' }).click();
  await expect(await member(alice, 'carol')).toContainText('member');
  await expect(groupButton(carol, GROUP)).toBeVisible();

  // bob: no "Message" on himself; one on carol, who is not his contact.
  await openGroup(bob, GROUP);
  await expect((await member(bob, 'bob')).getByRole('button', { name: /^Message/ })).toHaveCount(0);
  await (await member(bob, 'carol')).getByRole('button', { name: 'Message carol' }).click();
  await expect(bob.page.getByRole('heading', { name: 'carol' })).toBeVisible();
  const bar = bob.page.getByRole('group', { name: 'Not a contact: carol' });
  await expect(bar.getByText('Not a contact', { exact: true })).toBeVisible();
  await expect(bar.getByRole('button', { name: 'Add contact' })).toBeVisible();
  await expect(bar.getByRole('button', { name: 'Block' })).toBeVisible();

  await bob.send('hi carol, from the climbing group');
  // carol's list has the chat, marked as not a contact; she reads it and answers.
  const row = carol.contactButton('bob');
  await expect(row).toContainText('Not a contact');
  await row.click();
  await expect(carol.message('hi carol, from the climbing group')).toBeVisible();
  await expect(carol.page.getByRole('group', { name: 'Not a contact: bob' })).toBeVisible();
  // Typing shows in a member chat too (presence does not).
  await carol.page.getByRole('textbox', { name: 'Message' }).fill('hello bob');
  await expect(bob.page.locator('parley-typing-indicator [aria-live="polite"]')).toHaveText('carol is typing…');
  await carol.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(bob.message('hello bob')).toBeVisible();
  await expect(bob.page.locator('parley-conversation header .presence')).toHaveCount(0);
  await expect(bob.message('hi carol, from the climbing group')).toContainText(/delivered|read/);
  // Each can verify the other as contacts do: the same safety number, from the key pinned in the group.
  const digits = async (user: typeof bob) => {
    await user.page.getByRole('button', { name: 'Contact details' }).click();
    const section = user.page.getByRole('region', { name: 'Safety number' });
    await expect(section).toContainText(/Safety number\s*(\d{5} ){11}\d{5}/);
    const text = (await section.getByTestId('safety-number').textContent())!.trim();
    await user.page.getByRole('button', { name: 'Contact details' }).click();
    return text;
  };
  const chatDigits = await digits(bob);
  expect(chatDigits).toBe(await digits(carol));
  // The same digits from the group's "Members" list ("Safety number" on a member), of the key each
  // has in the group; alice, a contact of both, sees no warning: their contact keys are those keys.
  const fromList = async (user: typeof bob, other: string) => {
    await openGroup(user, GROUP);
    const item = await member(user, other);
    await item.getByRole('button', { name: 'Safety number' }).click();
    const section = item.getByRole('region', { name: `Safety number of ${other}` });
    await expect(section.getByTestId('safety-number')).toHaveText(/^(\d{5} ){11}\d{5}$/);
    await expect(section.getByRole('alert')).toHaveCount(0);
    const text = (await section.getByTestId('safety-number').textContent())!.trim();
    await item.getByRole('button', { name: 'Safety number' }).click();
    await expect(section).toHaveCount(0);
    return text;
  };
  expect(await fromList(bob, 'carol')).toBe(chatDigits);
  expect(await fromList(carol, 'bob')).toBe(chatDigits);
  expect(await fromList(alice, 'bob')).toBe(await fromList(bob, 'alice'));
  await expect((await member(bob, 'bob')).getByRole('button', { name: 'Safety number' })).toHaveCount(0);
  for (const [user, other] of [[bob, 'carol'], [carol, 'bob']] as const) {
    await user.contactButton(other).click();
    await expect(user.page.getByRole('heading', { name: other })).toBeVisible();
  }

  // alice turns member chats off: bob's next message is refused, in the code's words; the history stays.
  await memberChats.uncheck();
  await alice.page.getByRole('button', { name: 'Save settings' }).click();
  await expect(alice.page.getByText('Saved.')).toBeVisible();
  await expect(bob.page.getByText('You no longer share a group that lets members message each other.', { exact: false }).first()).toBeVisible();
  await bob.send('are you still there?');
  await expect(bob.message('are you still there?')).toContainText('failed');
  await expect(bob.message('are you still there?')).toContainText('Not delivered: you no longer share a group that lets members message each other.');
  await expect(carol.message('are you still there?')).toHaveCount(0);
  await expect(bob.message('hello bob')).toBeVisible();

  // "Add contact" sends an ordinary request; once carol accepts, the chat is a contact's and goes on.
  await bar.getByRole('button', { name: 'Add contact' }).click();
  await expect(bob.page.getByText('Contact request sent.')).toBeVisible();
  await carol.page.getByRole('listitem').filter({ hasText: 'bob' }).getByRole('button', { name: 'Accept' }).click();
  await expect(bar).toHaveCount(0);
  await bob.send('now as contacts');
  await expect(carol.message('now as contacts')).toBeVisible();
});
