/**
 * Drives a user's group chats through the UI contract (issue 12, "What a user can do"):
 * the same names a screen reader announces ("New group", "Find groups", "Join requests",
 * "Group details", "Members", …), beside parley-user.ts's one-to-one steps.
 */
import { type Locator, expect } from '@playwright/test';
import type { ParleyUser } from './parley-user';

/** The group's button in the conversation list (its accessible name begins with the group's name). */
export function groupButton(user: ParleyUser, name: string): Locator {
  return user.page.getByRole('button', { name: new RegExp(`^${name}\\b`) });
}

/** Creates a group with "New group"; its conversation opens. */
export async function createGroup(user: ParleyUser, name: string, options: { listed?: boolean; topic?: string } = {}): Promise<void> {
  await user.page.getByRole('button', { name: 'New group' }).click();
  const dialog = user.page.getByRole('dialog', { name: 'New group' });
  await dialog.getByRole('textbox', { name: 'Group name' }).fill(name);
  if (options.topic) await dialog.getByRole('textbox', { name: 'Topic' }).fill(options.topic);
  await dialog.getByRole('checkbox', { name: 'Listed in search' }).setChecked(!!options.listed);
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog).toBeHidden();
  await expect(user.page.getByRole('heading', { name })).toBeVisible();
}

/** In the open group (its details closed), "Group details" → "Add members" adds contacts `names`; the details stay open. */
export async function addMembers(owner: ParleyUser, names: readonly string[]): Promise<void> {
  await owner.page.getByRole('button', { name: 'Group details' }).click();
  await owner.page.getByRole('button', { name: 'Add members' }).click();
  for (const name of names) await owner.page.getByRole('checkbox', { name }).check();
  await owner.page.getByRole('button', { name: 'Add to group' }).click();
}

/** Searches the directory with "Find groups" and returns the result item of the group `name`. */
export async function findGroup(user: ParleyUser, query: string, name: string): Promise<Locator> {
  await user.page.getByRole('textbox', { name: 'Find groups' }).fill(query);
  await user.page.getByRole('button', { name: 'Search', exact: true }).click();
  const item = user.page.getByRole('list', { name: 'Groups found' }).getByRole('listitem').filter({ hasText: name });
  await expect(item).toBeVisible();
  return item;
}

/** Opens the group's conversation from the list. */
export async function openGroup(user: ParleyUser, name: string): Promise<void> {
  await groupButton(user, name).click();
  await expect(user.page.getByRole('heading', { name })).toBeVisible();
}

/** Opens "Group details" of the open group (if closed) and returns its "Members" list. */
export async function members(user: ParleyUser): Promise<Locator> {
  const button = user.page.getByRole('button', { name: 'Group details' });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  const list = user.page.getByRole('list', { name: 'Members' });
  await expect(list).toBeVisible();
  return list;
}

/** The item of `username` in the open group's "Members" list (details open). */
export async function member(user: ParleyUser, username: string): Promise<Locator> {
  return (await members(user)).getByRole('listitem').filter({ has: user.page.getByText(username, { exact: true }) });
}

/** The pending join request of `requester` (the sidebar's "Join requests", or the details'). */
export function joinRequest(user: ParleyUser, requester: string): Locator {
  return user.page.getByRole('list', { name: 'Join requests' }).first().getByRole('listitem').filter({ hasText: requester });
}
