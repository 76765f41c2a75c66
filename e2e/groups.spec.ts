// Groups in real Chromium against the real server (issue 12): three users. alice creates a listed
// group; bob finds it, asks to join and is approved; messages go both ways; carol, alice's
// contact, is added directly; bob is made an admin and mutes carol (her message is refused, and
// she is told why), unmutes her and mutes her "until unmuted", then removes her (she receives nothing more); and bob, offline while alice
// writes, gets every message in order when he is back.
import { befriended, expect, test } from './support/fixtures';
import { createGroup, findGroup, groupButton, joinRequest, member, openGroup } from './support/group-ui';
import { notes, recordNotifications } from './support/notifications';

const GROUP = 'Book club';

test('a listed group: find, ask, approve, add, chat both ways, an admin mutes and removes, offline catch-up', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  await alice.befriend(carol);

  // alice creates a listed group: she is its owner, and it is in her list.
  await createGroup(alice, GROUP, { listed: true, topic: 'one novel a month' });
  await expect(groupButton(alice, GROUP)).toBeVisible();
  await expect(await member(alice, 'alice')).toContainText('owner');

  // bob (no contact of alice's) finds it and asks to join.
  const result = await findGroup(bob, 'book', GROUP);
  await expect(result).toContainText('one novel a month');
  await expect(result).toContainText('1 member');
  await result.getByRole('button', { name: 'Request to join' }).click();
  await expect(result).toContainText('Request sent');

  // alice sees the request live and approves it; bob gets the group.
  await joinRequest(alice, 'bob').getByRole('button', { name: 'Approve' }).click();
  await expect(joinRequest(alice, 'bob')).toHaveCount(0);
  await expect(result).toContainText('You are in this group.');
  await openGroup(bob, GROUP);
  await expect(bob.page.getByText('You see messages from the time you joined.')).toBeVisible();
  await expect(await member(bob, 'bob')).toContainText('member');

  // Messages both ways, each naming its author.
  await alice.send('welcome, bob');
  await expect(bob.message('welcome, bob')).toContainText('alice');
  await bob.send('thanks, alice');
  await expect(alice.message('thanks, alice')).toContainText('bob');
  await expect(alice.message('welcome, bob')).toContainText('delivered');

  // alice adds her contact carol directly.
  await alice.page.getByRole('button', { name: 'Add members' }).click();
  await alice.page.getByRole('checkbox', { name: 'carol' }).check();
  await alice.page.getByRole('button', { name: 'Add to group' }).click();
  await expect(await member(alice, 'carol')).toContainText('member');
  await openGroup(carol, GROUP);
  await alice.send('hello carol');
  await expect(carol.message('hello carol')).toBeVisible();
  await expect(bob.message('hello carol')).toBeVisible();

  // alice makes bob an admin; bob mutes carol for an hour: her message is refused, and she reads why.
  await (await member(alice, 'bob')).getByRole('button', { name: 'Make admin' }).click();
  await expect((await member(alice, 'bob')).getByRole('button', { name: 'Remove admin' })).toBeVisible();
  await expect((await member(bob, 'bob')).getByText('admin', { exact: true })).toBeVisible();
  // An admin gets no actions on the owner (only what any member has: "Safety number", once her key is known).
  await expect((await member(bob, 'alice')).getByRole('button').filter({ hasNotText: 'Safety number' })).toHaveCount(0);
  const carolItem = await member(bob, 'carol');
  await carolItem.getByRole('button', { name: 'Mute' }).click();
  await bob.page.getByRole('group', { name: 'Mute carol for' }).getByRole('button', { name: '1 hour' }).click();
  await expect(carolItem).toContainText('muted');
  await carol.send('may I speak?');
  await expect(carol.message('may I speak?')).toContainText('failed');
  await expect(carol.message('may I speak?')).toContainText('You are muted in this group.');
  await expect(bob.message('may I speak?')).toHaveCount(0);
  // "Unmute" lifts it: her next message comes through. Muted again "until unmuted", she is refused again.
  await carolItem.getByRole('button', { name: 'Unmute' }).click();
  await expect(carolItem).not.toContainText('muted');
  await carol.send('thank you');
  await expect(bob.message('thank you')).toContainText('carol');
  await carolItem.getByRole('button', { name: 'Mute' }).click();
  await bob.page.getByRole('group', { name: 'Mute carol for' }).getByRole('button', { name: 'until unmuted' }).click();
  await expect(carolItem).toContainText('muted');
  await carol.send('one more thing');
  await expect(carol.message('one more thing')).toContainText('You are muted in this group.');

  // bob removes carol: she is told, cannot write, and receives nothing more.
  await carolItem.getByRole('button', { name: 'Remove from group' }).click();
  await expect(await member(bob, 'carol')).toHaveCount(0);
  await expect(carol.page.getByText('You were removed from this group.')).toBeVisible();
  await expect(carol.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  await expect(groupButton(carol, GROUP)).toHaveAccessibleName(/^Book club group removed /);
  await alice.send('after carol');
  await expect(bob.message('after carol')).toBeVisible();

  // bob is offline while alice writes; back, he gets them all, in order.
  await bob.closeTab();
  const later = ['one', 'two', 'three'];
  for (const text of later) await alice.send(text);
  for (const text of later) await expect(alice.message(text)).toContainText(/sent|delivered/);
  await bob.reopen();
  await openGroup(bob, GROUP);
  await expect(bob.message('three')).toBeVisible();
  expect(await bob.messageTexts()).toEqual(['welcome, bob', 'thanks, alice', 'hello carol', 'thank you', 'after carol', ...later]);
  // carol never got what was written after her removal.
  expect(await carol.messageTexts()).not.toContain('after carol');
  expect(await carol.messageTexts()).not.toContain('three');
});

test('settings, a ban and its lifting, a transfer of ownership, leaving and deleting', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  for (const u of [alice, bob]) await u.signUp();
  await createGroup(alice, 'Chess', { listed: true });
  const settings = alice.page.getByRole('form', { name: 'Group settings' });
  const save = async (name: string, on: boolean) => {
    await settings.getByRole('checkbox', { name }).setChecked(on);
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect(settings).toContainText('Saved.');
  };
  await alice.page.getByRole('button', { name: 'Group details' }).click();

  // Closed: a request is refused in words; open again, it goes.
  await save('Takes join requests', false);
  const result = await findGroup(bob, 'chess', 'Chess');
  await result.getByRole('button', { name: 'Request to join' }).click();
  await expect(result).toContainText('This group does not take join requests.');
  await save('Takes join requests', true);
  await result.getByRole('button', { name: 'Request to join' }).click();
  await expect(result).toContainText('Request sent');
  // Declined: the request leaves alice's list; bob's result says so at once and he may ask again.
  await joinRequest(alice, 'bob').getByRole('button', { name: 'Decline' }).click();
  await expect(joinRequest(alice, 'bob')).toHaveCount(0);
  await expect(result).toContainText('An admin declined your request.');
  await expect(result.getByRole('button', { name: 'Request to join' })).toBeVisible();
  const retry = await findGroup(bob, 'chess', 'Chess');
  await retry.getByRole('button', { name: 'Request to join' }).click();
  await expect(retry).toContainText('Request sent');
  await joinRequest(alice, 'bob').getByRole('button', { name: 'Approve' }).click();
  await openGroup(bob, 'Chess');

  // "Only admins can send": a member's composer says so and is closed; lifted, bob writes again.
  await save('Only admins can send', true);
  await expect(bob.page.getByRole('status').filter({ hasText: 'Only admins can send in this group.' })).toBeVisible();
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
  await save('Only admins can send', false);
  await bob.send('my move');
  await expect(alice.message('my move')).toBeVisible();

  // A rename reaches the member (in the sealed card) and the directory.
  await settings.getByRole('textbox', { name: 'Group name' }).fill('Chess club');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings).toContainText('Saved.');
  await expect(bob.page.getByRole('heading', { name: 'Chess club' })).toBeVisible();
  await expect(groupButton(bob, 'Chess club')).toBeVisible();

  // A ban cuts bob off and keeps him from asking again until it is lifted.
  await (await member(alice, 'bob')).getByRole('button', { name: 'Ban' }).click();
  await expect(bob.page.getByText('You were banned from this group.')).toBeVisible();
  const again = await findGroup(bob, 'chess', 'Chess club');
  await again.getByRole('button', { name: 'Request to join' }).click();
  await expect(again).toContainText('You are banned from this group.');
  const banned = alice.page.getByRole('list', { name: 'Banned' }).getByRole('listitem').filter({ hasText: 'bob' });
  await banned.getByRole('button', { name: 'Unban' }).click();
  await expect(banned).toHaveCount(0);
  await again.getByRole('button', { name: 'Request to join' }).click();
  await expect(again).toContainText('Request sent');
  await joinRequest(alice, 'bob').getByRole('button', { name: 'Approve' }).click();
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeEnabled();

  // The owner hands the group to bob, then leaves; bob deletes it.
  await (await member(alice, 'bob')).getByRole('button', { name: 'Transfer ownership' }).click();
  await expect((await member(alice, 'alice')).getByText('admin', { exact: true })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Leave group' }).click();
  await expect(alice.page.getByText('You left this group.')).toBeVisible();
  await expect((await member(bob, 'bob')).getByText('owner', { exact: true })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Delete group' }).click();
  await bob.page.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(bob.page.getByText('This group was deleted.')).toBeVisible();
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
});

test('a group message notifies with its author and group, a click opens the group, a reply there quotes, and Search finds the group and its messages', async ({ openUser, server }) => {
  const [alice, bob] = await befriended(openUser);
  await alice.context.grantPermissions(['notifications'], { origin: server.origin });
  await alice.context.addInitScript(recordNotifications);
  await alice.page.reload();
  await alice.setSetting('Enable notifications', true);
  await createGroup(alice, 'Chess');
  await alice.page.getByRole('button', { name: 'Group details' }).click();
  await alice.page.getByRole('button', { name: 'Add members' }).click();
  await alice.page.getByRole('checkbox', { name: 'bob' }).check();
  await alice.page.getByRole('button', { name: 'Add to group' }).click();
  await openGroup(bob, 'Chess');

  // alice reads her chat with bob while he writes in the group: news, named by author and group.
  await alice.openChat('bob');
  await bob.send('your move');
  await expect.poll(() => notes(alice.page)).toEqual([{ title: 'bob in Chess', body: 'your move' }]);
  await expect(groupButton(alice, 'Chess')).toHaveAccessibleName(/^Chess group .*your move, 1 unread$/);
  await alice.page.evaluate(() => window.__notes[0]!.n.dispatchEvent(new Event('click')));
  await expect(alice.page.getByRole('heading', { name: 'Chess' })).toBeVisible();
  await expect(alice.message('your move')).toBeVisible();
  await expect(groupButton(alice, 'Chess')).toHaveAccessibleName(/your move$/);

  // In a group the menu offers what a 1:1 chat does (e2e/groups-chat.spec.ts tries them); a reply quotes.
  await alice.message('your move').getByRole('button', { name: 'Message actions' }).click();
  const menu = alice.page.getByRole('menu', { name: 'Message actions' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Reply', 'React', 'Copy', 'Delete for me']);
  await menu.getByRole('menuitem', { name: 'Reply' }).click();
  await expect(alice.page.getByText('Replying to bob')).toBeVisible();
  // Files are posted in groups too (e2e/groups-files.spec.ts).
  await expect(alice.page.getByLabel('Attach file')).toHaveCount(1);
  await alice.send('knight to f3');
  await expect(alice.message('knight to f3').getByRole('button', { name: 'In reply to bob: your move' })).toBeVisible();
  await expect(bob.message('knight to f3').getByRole('button', { name: 'In reply to You: your move' })).toBeVisible();

  // Search filters the rows by a group's name, finds group messages naming the group, and opens it there.
  await alice.openChat('bob');
  const rows = alice.page.getByRole('list', { name: 'Conversations' }).getByRole('button');
  await alice.page.getByRole('searchbox', { name: 'Search' }).fill('chE');
  await expect(rows).toHaveCount(1);
  await expect(rows).toHaveAccessibleName(/^Chess group/);
  await alice.page.getByRole('searchbox', { name: 'Search' }).fill('knight');
  await expect(rows).toHaveCount(0);
  const found = alice.page.getByRole('list', { name: 'Messages found' }).getByRole('button');
  await expect(found).toHaveAccessibleName(/^Chess\b.*knight to f3/);
  await found.click();
  await expect(alice.page.getByRole('heading', { name: 'Chess' })).toBeVisible();
  await expect(alice.message('knight to f3')).toBeInViewport();
});
