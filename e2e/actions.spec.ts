/**
 * Message actions between two people: reply with a quote that scrolls to the original, reactions
 * added and taken back on both sides, an edit shown "edited" on both sides (and a quote of the
 * edited message following it), copy, delete for me,
 * the menu's keyboard pattern, and delete for everyone, including a message still queued for a
 * recipient who is offline: after they log in they never see it.
 */
import type { Locator } from '@playwright/test';
import { chatting, expect, test } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The item of the message whose own text (not a quote of it) is `text`. */
const bubble = (user: ParleyUser, text: string): Locator =>
  user.log.getByRole('listitem').filter({ has: user.page.locator('p').filter({ hasText: exactly(text) }) });

/** Chooses `action` in the "Message actions" menu of the message `text`. */
async function act(user: ParleyUser, text: string, action: string): Promise<void> {
  await bubble(user, text).getByRole('button', { name: 'Message actions' }).click();
  await user.page.getByRole('menuitem', { name: action, exact: true }).click();
}

test('reply with a quote, reactions both ways, edit, copy, delete for me, and the menu by keyboard', async ({ openUser }) => {
  test.setTimeout(80_000);
  const [alice, bob] = await chatting(openUser);
  await alice.page.setViewportSize({ width: 900, height: 480 });
  await alice.send('first message');
  // Enough after it that alice's log scrolls.
  for (let i = 1; i <= 8; i++) await alice.send(`filler ${i}`);
  await expect(bubble(bob, 'filler 8')).toBeVisible();

  // The menu: what bob may do with alice's message, by keyboard (WAI-ARIA menu button).
  const trigger = bubble(bob, 'filler 8').getByRole('button', { name: 'Message actions' });
  await expect(trigger).toHaveAttribute('aria-haspopup', 'menu');
  await trigger.focus();
  await bob.page.keyboard.press('ArrowDown');
  const menu = bob.page.getByRole('menu', { name: 'Message actions' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Reply', 'React', 'Copy', 'Delete for me']);
  await expect(menu.getByRole('menuitem', { name: 'Reply' })).toBeFocused();
  await bob.page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'React' })).toBeFocused();
  await bob.page.keyboard.press('ArrowUp');
  await bob.page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem', { name: 'Delete for me' })).toBeFocused();
  await bob.page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(trigger).toBeFocused();

  // Reply: the composer says to whom, can be cancelled, and the sent reply quotes the original.
  await act(bob, 'first message', 'Reply');
  await expect(bob.page.getByText('Replying to alice')).toBeVisible();
  await bob.page.getByRole('button', { name: 'Cancel reply' }).click();
  await expect(bob.page.getByText('Replying to alice')).toHaveCount(0);
  await act(bob, 'first message', 'Reply');
  await bob.send('my reply');
  await expect(bob.page.getByText('Replying to alice')).toHaveCount(0);
  await expect(bubble(bob, 'my reply').getByRole('button', { name: 'In reply to alice: first message' })).toBeVisible();
  const quote = bubble(alice, 'my reply').getByRole('button', { name: 'In reply to You: first message' });
  await expect(quote).toBeVisible();
  await expect(bubble(bob, 'my reply')).toContainText('delivered');
  // Clicking the quote brings the original into view.
  await expect(bubble(alice, 'first message')).not.toBeInViewport();
  await quote.click();
  await expect(bubble(alice, 'first message')).toBeInViewport();
  await expect(bubble(alice, 'first message')).toBeFocused();

  // Reactions: added from the menu, joined, taken back, on both sides.
  await act(alice, 'my reply', 'React');
  await alice.page.getByRole('menu', { name: 'Reactions' }).getByRole('menuitem', { name: '👍' }).click();
  for (const user of [alice, bob]) await expect(bubble(user, 'my reply').getByRole('button', { name: '👍 1' })).toBeVisible();
  await bubble(bob, 'my reply').getByRole('button', { name: '👍 1' }).click();
  for (const user of [alice, bob]) await expect(bubble(user, 'my reply').getByRole('button', { name: '👍 2' })).toBeVisible();
  await bubble(alice, 'my reply').getByRole('button', { name: '👍 2' }).click();
  for (const user of [alice, bob]) await expect(bubble(user, 'my reply').getByRole('button', { name: '👍 1' })).toBeVisible();
  await bubble(bob, 'my reply').getByRole('button', { name: '👍 1' }).click();
  for (const user of [alice, bob]) await expect(bubble(user, 'my reply').getByRole('button', { name: /^👍/ })).toHaveCount(0);

  // Edit: only one's own; prefilled, cancellable; "edited" on both sides.
  await bubble(alice, 'filler 1').getByRole('button', { name: 'Message actions' }).click();
  await expect(alice.page.getByRole('menu').getByRole('menuitem')).toHaveText(['Reply', 'React', 'Copy', 'Edit', 'Delete for everyone', 'Delete for me']);
  await alice.page.keyboard.press('Escape');
  await act(alice, 'filler 1', 'Edit');
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await expect(box).toHaveValue('filler 1');
  await expect(box).toBeFocused();
  await expect(alice.page.getByRole('button', { name: 'Cancel edit' })).toBeVisible();
  await box.fill('filler one, edited');
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(box).toHaveValue('');
  for (const user of [alice, bob]) await expect(bubble(user, 'filler one, edited')).toContainText('edited');
  await expect(bubble(bob, 'filler 1')).toHaveCount(0);
  // A quote follows an edit of its original, on both sides.
  await act(alice, 'first message', 'Edit');
  await box.fill('first message, edited');
  await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(bubble(bob, 'my reply').getByRole('button', { name: 'In reply to alice: first message, edited' })).toBeVisible();
  await expect(bubble(alice, 'my reply').getByRole('button', { name: 'In reply to You: first message, edited' })).toBeVisible();

  // Copy puts the text on the clipboard.
  await bob.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(bob.page.url()).origin });
  await act(bob, 'filler one, edited', 'Copy');
  expect(await bob.page.evaluate(() => navigator.clipboard.readText())).toBe('filler one, edited');

  // Delete for me: gone here, still there.
  await act(bob, 'my reply', 'Delete for me');
  await expect(bubble(bob, 'my reply')).toHaveCount(0);
  await expect(bubble(alice, 'my reply')).toBeVisible();
});

test('delete for everyone: gone on both sides, and a copy queued for an offline recipient never reaches them', async ({ openUser }) => {
  test.setTimeout(60_000);
  const [alice, bob] = await chatting(openUser);
  await alice.send('oops');
  await expect(bubble(bob, 'oops')).toBeVisible();
  await act(alice, 'oops', 'Delete for everyone');
  for (const user of [alice, bob]) {
    await expect(user.log.getByRole('listitem').filter({ hasText: 'This message was deleted' })).toHaveCount(1);
    await expect(bubble(user, 'oops')).toHaveCount(0);
  }

  // bob goes away; what alice sends waits in the server's queue for him, and she deletes it there.
  await bob.closeTab();
  await expect(alice.contactButton('bob')).toContainText('offline');
  await alice.send('secret while away');
  await expect(bubble(alice, 'secret while away')).toContainText('sent');
  await act(alice, 'secret while away', 'Delete for everyone');
  await expect(alice.log.getByRole('listitem').filter({ hasText: 'This message was deleted' })).toHaveCount(2);
  await alice.send('after the delete');
  await expect(bubble(alice, 'after the delete')).toContainText('sent');

  await bob.reopen();
  await bob.openChat('alice');
  await expect(bubble(bob, 'after the delete')).toBeVisible();
  await expect(bob.page.getByText('secret while away')).toHaveCount(0);
  expect(await bob.messageTexts()).toEqual(['This message was deleted', 'after the delete']);
  await expect(bubble(alice, 'after the delete')).toContainText('delivered');
});
