// Groups in real Chromium against the real server (issue 12): three users. alice creates a listed
// group; bob finds it, asks to join and is approved; messages go both ways; carol, alice's
// contact, is added directly; bob is made an admin and mutes carol (her message is refused, and
// she is told why), then removes her (she receives nothing more); and bob, offline while alice
// writes, gets every message in order when he is back.
import { expect, test } from './support/fixtures';
import { createGroup, findGroup, groupButton, joinRequest, member, openGroup } from './support/group-ui';

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
  // An admin gets no actions on the owner.
  await expect((await member(bob, 'alice')).getByRole('button')).toHaveCount(0);
  const carolItem = await member(bob, 'carol');
  await carolItem.getByRole('button', { name: 'Mute' }).click();
  await bob.page.getByRole('group', { name: 'Mute carol for' }).getByRole('button', { name: '1 hour' }).click();
  await expect(carolItem).toContainText('muted');
  await carol.send('may I speak?');
  await expect(carol.message('may I speak?')).toContainText('failed');
  await expect(carol.message('may I speak?')).toContainText('You are muted in this group.');
  await expect(bob.message('may I speak?')).toHaveCount(0);

  // bob removes carol: she is told, cannot write, and receives nothing more.
  await carolItem.getByRole('button', { name: 'Remove from group' }).click();
  await expect(await member(bob, 'carol')).toHaveCount(0);
  await expect(carol.page.getByText('You were removed from this group.')).toBeVisible();
  await expect(carol.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();
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
  expect(await bob.messageTexts()).toEqual(['welcome, bob', 'thanks, alice', 'hello carol', 'after carol', ...later]);
  // carol never got what was written after her removal.
  expect(await carol.messageTexts()).not.toContain('after carol');
  expect(await carol.messageTexts()).not.toContain('three');
});
