/**
 * The group crypto in Firefox (issue 12: "Node and browser produce and read the same messages",
 * in both engines): bob in Debian's Firefox ESR creates a group and commits alice's Add (a
 * Welcome made by Firefox, joined by Chromium), they read each other, bob's roles commit makes
 * alice an admin, and alice's Add of carol (a commit made by Chromium) is processed by Firefox,
 * which then reads carol.
 */
import { expect, test } from './support/fixtures';
import { FirefoxUser } from './support/firefox-user';
import { member, openGroup } from './support/group-ui';

test('Firefox in a group: it creates it, commits an Add and a roles change, processes a Chromium commit, and reads and writes', async ({ openUser }) => {
  test.setTimeout(180_000);
  const alice = await openUser('alice');
  const carol = await openUser('carol');
  const bob = await FirefoxUser.open('bob', new URL(alice.page.url()).origin);
  try {
    await alice.signUp();
    await carol.signUp();
    await bob.signUp();
    await alice.page.getByRole('textbox', { name: 'Add contact' }).fill('bob');
    await alice.page.getByRole('button', { name: 'Send request' }).click();
    await bob.click('Accept', true);
    await alice.page.getByRole('textbox', { name: 'Add contact' }).fill('carol');
    await alice.page.getByRole('button', { name: 'Send request' }).click();
    await carol.page.getByRole('button', { name: 'Accept', exact: true }).click();

    // Firefox creates the group and commits alice's Add.
    await bob.click('New group');
    await bob.fill('Group name', 'Crew');
    await bob.click('Create group');
    await bob.waitForText('heading', 'Crew', (text) => text === 'Crew');
    await bob.click('Group details');
    await bob.click('Add members');
    await (await bob.find('checkbox', 'alice', { exact: true })).click();
    await bob.click('Add to group');
    await openGroup(alice, 'Crew');
    await alice.send('hello from chromium');
    await bob.waitForPageText('hello from chromium');
    await bob.send('hello from firefox');
    await expect(alice.message('hello from firefox')).toBeVisible();

    // Firefox's roles commit makes alice an admin; Chromium's Add of carol is processed by Firefox.
    await bob.click('Make admin', true);
    await expect(await member(alice, 'alice')).toContainText('admin');
    await alice.page.getByRole('button', { name: 'Add members' }).click();
    await alice.page.getByRole('checkbox', { name: 'carol' }).check();
    await alice.page.getByRole('button', { name: 'Add to group' }).click();
    await openGroup(carol, 'Crew');
    await carol.send('hello from carol');
    await bob.waitForPageText('hello from carol');
    await bob.send('firefox after the commit');
    await expect(carol.message('firefox after the commit')).toBeVisible();
    await expect(alice.message('firefox after the commit')).toBeVisible();
    expect(await bob.messageTexts()).toEqual(['hello from chromium', 'hello from firefox', 'hello from carol', 'firefox after the commit']);
  } finally {
    await bob.close();
  }
});
