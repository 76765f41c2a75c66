// Group chat actions in real Chromium against the real server (issue 12, item 4), three users:
// a reaction, an edit and a delete for everyone by one member are seen by the others, under the
// same names as in 1:1 chats; "@" opens the member picker ("Mention a member"), the mention is
// sent and highlighted (more strongly for the member named), and it notifies the mentioned
// member although they muted the group, while another member who muted it is not notified.
import type { Locator } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { createGroup, openGroup } from './support/group-ui';
import { notes, recordNotifications } from './support/notifications';
import type { ParleyUser } from './support/parley-user';

const GROUP = 'Crew';

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
/** The item of the message whose own text (not a quote of it) is `text`. */
const bubble = (user: ParleyUser, text: string): Locator =>
  user.log.getByRole('listitem').filter({ has: user.page.locator('p').filter({ hasText: exactly(text) }) });

async function act(user: ParleyUser, text: string, action: string): Promise<void> {
  await bubble(user, text).getByRole('button', { name: 'Message actions' }).click();
  await user.page.getByRole('menuitem', { name: action, exact: true }).click();
}

async function muteGroup(user: ParleyUser): Promise<void> {
  await user.page.getByRole('button', { name: 'Group details' }).click();
  await user.page.getByRole('switch', { name: 'Mute notifications' }).check();
  await user.page.getByRole('button', { name: 'Group details' }).click();
}

test('reactions, edit and delete for everyone in a group; @mention picker, highlight, and a mention notifies through a mute', async ({ openUser, server }) => {
  test.setTimeout(120_000);
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  for (const u of [bob, carol]) {
    await u.context.grantPermissions(['notifications'], { origin: server.origin });
    await u.context.addInitScript(recordNotifications);
    await u.page.reload();
    await u.setSetting('Enable notifications', true);
  }
  await alice.befriend(bob);
  await alice.befriend(carol);
  await createGroup(alice, GROUP);
  await alice.page.getByRole('button', { name: 'Group details' }).click();
  await alice.page.getByRole('button', { name: 'Add members' }).click();
  await alice.page.getByRole('checkbox', { name: 'bob' }).check();
  await alice.page.getByRole('checkbox', { name: 'carol' }).check();
  await alice.page.getByRole('button', { name: 'Add to group' }).click();
  await alice.page.getByRole('button', { name: 'Group details' }).click();
  for (const u of [bob, carol]) await openGroup(u, GROUP);

  // Typing shows to the others (with the member's name), and ends when the message comes.
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('hello');
  const typing = (u: typeof bob) => u.page.locator('parley-group-conversation parley-typing-indicator [aria-live="polite"]');
  await expect(typing(bob)).toHaveText('alice is typing…');
  await expect(typing(carol)).toHaveText('alice is typing…');
  await expect(typing(alice)).toHaveText('');
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('');

  // The same actions as in a 1:1 chat: a member's message offers Reply, React, Copy, Delete for me.
  await alice.send('hello crew');
  await expect(bubble(bob, 'hello crew')).toBeVisible();
  await expect(typing(bob)).toHaveText('');
  await bubble(bob, 'hello crew').getByRole('button', { name: 'Message actions' }).click();
  await expect(bob.page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem')).toHaveText(['Reply', 'React', 'Copy', 'Delete for me']);
  await bob.page.keyboard.press('Escape');

  // bob reacts: alice and carol see it.
  await act(bob, 'hello crew', 'React');
  await bob.page.getByRole('menu', { name: 'Reactions' }).getByRole('menuitem', { name: '👍' }).click();
  for (const u of [alice, bob, carol]) await expect(bubble(u, 'hello crew').getByRole('button', { name: '👍 1' })).toBeVisible();

  // alice edits her message: everyone reads the new text, "edited".
  await act(alice, 'hello crew', 'Edit');
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('hello team');
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  for (const u of [alice, bob, carol]) await expect(bubble(u, 'hello team')).toContainText('edited');
  await expect(bubble(carol, 'hello crew')).toHaveCount(0);

  // alice deletes another for everyone: the others read that it was deleted.
  await alice.send('oops, wrong group');
  await expect(bubble(carol, 'oops, wrong group')).toBeVisible();
  await act(alice, 'oops, wrong group', 'Delete for everyone');
  for (const u of [bob, carol]) {
    await expect(bubble(u, 'oops, wrong group')).toHaveCount(0);
    await expect(u.log.getByText('This message was deleted')).toBeVisible();
  }

  // bob and carol mute the group and read something else.
  for (const u of [bob, carol]) {
    await muteGroup(u);
    await u.openChat('alice');
  }

  // "@" opens the picker of the other members; Escape closes it; the arrows and Enter choose.
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await box.fill('');
  await box.pressSequentially('see @');
  const picker = alice.page.getByRole('listbox', { name: 'Mention a member' });
  await expect(picker.getByRole('option')).toHaveCount(2);
  await expect(picker.getByRole('option', { name: /@bob$/ })).toBeVisible();
  await expect(picker.getByRole('option', { name: /@alice$/ })).toHaveCount(0);
  await box.press('Escape');
  await expect(picker).toHaveCount(0);
  await box.pressSequentially('b');
  await expect(picker.getByRole('option')).toHaveCount(1);
  await expect(picker.getByRole('option', { name: /@bob$/ })).toHaveAttribute('aria-selected', 'true');
  await box.press('Enter');
  await expect(picker).toHaveCount(0);
  await expect(box).toHaveValue('see @bob ');
  await box.pressSequentially('the new plan');
  await box.press('Enter');

  // bob is notified although he muted the group; carol, who muted it too and was not named, is not.
  await expect.poll(() => notes(bob.page)).toEqual([{ title: `alice mentioned you in ${GROUP}`, body: 'see @bob the new plan' }]);
  await openGroup(carol, GROUP);
  await expect(bubble(carol, 'see @bob the new plan')).toBeVisible();
  expect(await notes(carol.page)).toEqual([]);

  // Highlighted in the message: for bob as a mention of him, for the others as a mention.
  await openGroup(bob, GROUP);
  // A screen reader hears it too: "see @bob (mentions you) the new plan".
  await expect(bubble(bob, 'see @bob (mentions you) the new plan').locator('mark.mention.me')).toHaveText('@bob (mentions you)');
  await expect(bubble(carol, 'see @bob the new plan').locator('mark.mention')).toHaveText('@bob');
  await expect(bubble(carol, 'see @bob the new plan').locator('mark.mention.me')).toHaveCount(0);
  await expect(bubble(alice, 'see @bob the new plan').locator('mark.mention')).toHaveText('@bob');
});
