// Node and browser in one MLS group (issue 12: "Node and browser produce and read the same
// messages"): a real Chromium user and a Node member built from the same shared/groups module
// (signaling/test-support/group-member.ts) share a group on the test's server. The browser user
// creates the group and adds the Node user (a contact, with uploaded KeyPackages); the Node member
// joins from the browser's Welcome and tree, reads the browser's sealed card and message, and
// sends one (in the web app's body format, web/src/groups/group-body.ts) that the browser shows.
// Then each side commits once and the other processes it (the Node member's self-update, the
// browser's "Make admin"), and messages still pass both ways at the new epochs. Last, the Node
// admin adds a Node user who is no contact of the browser's (trusted on first use), and after a
// server swaps that user's key the admin adds him again with the new one: the browser refuses the
// leaf and its group conversation shows the key-change alert (parley-group-conversation.ts).
// The second test goes the other way: the Node user creates the group and adds the browser user,
// who joins from the Welcome and ratchet tree made in Node, reads the Node owner's sealed card and
// text, answers, and processes the Node owner's roles commit.
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Identity, publicKeyB64, publicKeyFromB64 } from '../shared/identity';
import { epochOf, rolesOf, update } from '../shared/groups';
import type { ServerFrameOf } from '../shared/protocol';
import { ParleyClient, makeContacts, newIdentity } from '../signaling/test-support/client';
import { GroupMember, type Pins } from '../signaling/test-support/group-member';
import { type GroupPlain, decodePlain, encodeBody, encodeCard } from '../web/src/groups/group-body';
import { expect, test } from './support/fixtures';
import { createGroup, member, openGroup } from './support/group-ui';
import type { ParleyUser } from './support/parley-user';

const GROUP = 'Interop';
const NODE = 'nodebob';
const CARL = 'nodecarl';

/** Reads the group's log (processing commits) until a message from others whose body is text `text`; every plaintext read on the way. */
async function readUntil(node: GroupMember, group: string, text: string): Promise<GroupPlain[]> {
  const seen: GroupPlain[] = [];
  for (;;) {
    const [json] = await node.readMessages(group, 1, 20_000);
    const plain = decodePlain(new TextEncoder().encode(json));
    seen.push(plain);
    if (plain.kind === 'body' && plain.body.kind === 'text' && plain.body.text === text) return seen;
  }
}

/** Encrypts `text` as the web app's group body (sealed id = the frame's id) and sends it: the server's answer. */
function sendAsApp(node: GroupMember, group: string, text: string) {
  const id = `m-${crypto.randomUUID()}`;
  return node.send(group, encodeBody({ kind: 'text', text }, Date.now(), id), id);
}

/**
 * The Node user NODE: an account, KeyPackages on the server, and `browser`'s contact (the browser
 * asks, the Node client accepts; the browser's key is pinned from the server's contact_added).
 */
async function nodeContact(port: number, browser: ParleyUser): Promise<{ node: GroupMember; pins: Pins }> {
  const identity: Identity = await newIdentity(NODE);
  const client = await ParleyClient.register(port, identity);
  const pins: Pins = new Map();
  const node = await GroupMember.of(client, pins);
  expect(await node.uploadKeyPackages(4)).toBe(4);
  await browser.page.getByRole('textbox', { name: 'Add contact' }).fill(NODE);
  await browser.page.getByRole('button', { name: 'Send request' }).click();
  await client.next((f) => f.t === 'request_received' && f.from === browser.name, 15_000);
  client.send({ t: 'contact_respond', from: browser.name, accept: true });
  const added = await client.next((f): f is ServerFrameOf<'contact_added'> => f.t === 'contact_added' && f.contact.username === browser.name, 15_000);
  pins.set(browser.name, publicKeyFromB64(client.sodium, added.contact.identityKey));
  await expect(browser.contactButton(NODE)).toBeVisible();
  return { node, pins };
}

test('a Node member and a browser share one MLS group: Welcome, messages both ways, commits from each side, a member key swapped by the server is flagged', async ({ openUser, server }) => {
  const alice = await openUser('alice');
  await alice.signUp();
  const { node, pins } = await nodeContact(server.port, alice);
  const client = node.client;
  const clients = [client];
  try {
    // alice creates the group in the browser and adds the Node user; the Node member joins from her Welcome.
    await createGroup(alice, GROUP);
    await alice.page.getByRole('button', { name: 'Group details' }).click();
    await alice.page.getByRole('button', { name: 'Add members' }).click();
    await alice.page.getByRole('checkbox', { name: NODE }).check();
    await alice.page.getByRole('button', { name: 'Add to group' }).click();
    await expect(await member(alice, NODE)).toContainText('member');
    await expect.poll(() => client.received.some((f) => f.t === 'group_welcome'), { timeout: 15_000 }).toBe(true);
    const group = client.received.find((f): f is ServerFrameOf<'group_welcome'> => f.t === 'group_welcome')!.group;
    await node.joinFromWelcome(group);
    expect(epochOf(node.groups.get(group)!)).toBe(1);
    expect(rolesOf(node.groups.get(group)!)).toEqual({ owner: 'alice', admins: [] });

    // Browser → Node: the sealed card the adder sends, then alice's text, decrypted by the Node member.
    await alice.send('hello from chromium');
    const first = await readUntil(node, group, 'hello from chromium');
    expect(first).toContainEqual(expect.objectContaining({ kind: 'card', card: { name: GROUP } }));
    await expect(alice.message('hello from chromium')).toContainText(/sent|delivered/);

    // Node → browser: a text in the app's body format, shown in alice's conversation as the Node user's.
    expect(await sendAsApp(node, group, 'hello from node')).toMatchObject({ t: 'group_sent' });
    await expect(alice.message('hello from node')).toContainText(NODE);

    // A Node commit the browser processes: the Node member's self-update (epoch 2); alice then writes at epoch 2.
    const up = await update(node.groups.get(group)!);
    expect(await node.commit(group, up.group, up.commit)).toMatchObject({ t: 'group_committed', epoch: 2 });
    expect(epochOf(node.groups.get(group)!)).toBe(2);
    await alice.send('after your update');
    await readUntil(node, group, 'after your update');

    // A browser commit the Node member processes: alice makes the Node user an admin (epoch 3, roles in the MLS state).
    await (await member(alice, NODE)).getByRole('button', { name: 'Make admin' }).click();
    await expect((await member(alice, NODE)).getByRole('button', { name: 'Remove admin' })).toBeVisible();
    await alice.send('you are an admin now');
    await readUntil(node, group, 'you are an admin now');
    expect(epochOf(node.groups.get(group)!)).toBe(3);
    expect(rolesOf(node.groups.get(group)!)).toEqual({ owner: 'alice', admins: [NODE] });

    // And the Node member's message at epoch 3 reaches the browser, in order after the others.
    expect(await sendAsApp(node, group, 'thanks, at epoch three')).toMatchObject({ t: 'group_sent' });
    await expect(alice.message('thanks, at epoch three')).toContainText(NODE);
    expect(await alice.messageTexts()).toEqual(['hello from chromium', 'hello from node', 'after your update', 'you are an admin now', 'thanks, at epoch three']);

    // The Node admin adds nodecarl, no contact of alice's: her browser trusts the key it first sees for him (epoch 4).
    const carlFirst = await newIdentity(CARL);
    const carl = await GroupMember.of(await ParleyClient.register(server.port, carlFirst), pins);
    clients.push(carl.client);
    await carl.uploadKeyPackages(2);
    await makeContacts(client, carl.client);
    expect(await node.addUsers(group, [CARL])).toMatchObject({ t: 'group_committed', epoch: 4 });
    await carl.joinFromWelcome(group);
    expect(await sendAsApp(carl, group, 'carl here')).toMatchObject({ t: 'group_sent' });
    await expect(alice.message('carl here')).toContainText(CARL);
    await expect(alice.page.getByRole('alert').filter({ hasText: 'safety number has changed' })).toHaveCount(0);

    // A malicious server swaps nodecarl's key (and drops his KeyPackages); the Node admin, who takes it, removes and adds him again with it
    // (epochs 5, 6). alice's browser refuses the new leaf and the group says whose key changed.
    const carlSecond = await newIdentity(CARL);
    const db = new Database(path.join(server.dataDir, 'parley.sqlite'));
    db.prepare('UPDATE users SET identity_key = ? WHERE username = ?').run(publicKeyB64(client.sodium, carlSecond), CARL);
    db.prepare('DELETE FROM key_packages WHERE user = ?').run(CARL);
    db.close();
    await carl.client.close();
    pins.set(CARL, carlSecond.publicKey);
    const carl2 = await GroupMember.of(await ParleyClient.login(server.port, carlSecond), pins);
    clients.push(carl2.client);
    await carl2.uploadKeyPackages(2);
    expect(await node.removeUsers(group, [CARL])).toMatchObject({ t: 'group_committed', epoch: 5 });
    expect(await node.addUsers(group, [CARL])).toMatchObject({ t: 'group_committed', epoch: 6 });
    // The refused Add leaves him out of her MLS state; the server's member list, read again as the
    // refusal is noted (not only when the details open), names him, and the alert shows at once.
    await expect(alice.page.getByRole('alert').filter({ hasText: `${CARL}'s safety number has changed in this group.` })).toBeVisible();
    const details = alice.page.getByRole('button', { name: 'Group details' });
    await details.click();
    await details.click();
    await expect(await member(alice, CARL)).toBeVisible();
  } finally {
    for (const c of clients) await c.close();
  }
});

test('a browser joins from a Welcome and tree made in Node: the Node owner\'s card and message read, a reply read back, a Node commit processed', async ({ openUser, server }) => {
  const alice = await openUser('alice');
  await alice.signUp();
  const { node } = await nodeContact(server.port, alice);
  try {
    // The Node user creates an unlisted group, adds alice (her KeyPackage from the browser's pool), and sends the sealed card, then a text.
    const group = await node.create({ listed: false });
    expect(await node.addUsers(group, ['alice'])).toMatchObject({ t: 'group_committed', epoch: 1 });
    const cardId = `c-${crypto.randomUUID()}`;
    expect(await node.send(group, encodeCard({ name: 'Made in Node', topic: 'by ts-mls in Node' }, Date.now(), cardId), cardId)).toMatchObject({ t: 'group_sent' });
    expect(await sendAsApp(node, group, 'welcome, browser')).toMatchObject({ t: 'group_sent' });

    // The browser joined from that Welcome: the card names the group, the text shows as the Node user's.
    await openGroup(alice, 'Made in Node');
    await expect(alice.page.getByText('by ts-mls in Node')).toBeVisible();
    await expect(alice.message('welcome, browser')).toContainText(NODE);
    await expect(await member(alice, NODE)).toContainText('owner');
    await alice.send('hello, node');
    const plains = await readUntil(node, group, 'hello, node');
    expect(plains.at(-1)).toMatchObject({ kind: 'body', body: { kind: 'text', text: 'hello, node' } });

    // The Node owner makes alice an admin (epoch 2, the roles in MLS); her browser processes it and writes at epoch 2.
    expect(await node.promote(group, 'alice')).toMatchObject({ t: 'group_committed', epoch: 2 });
    await expect((await member(alice, 'alice')).getByText('admin', { exact: true })).toBeVisible();
    await alice.send('an admin now');
    await readUntil(node, group, 'an admin now');
    expect(epochOf(node.groups.get(group)!)).toBe(2);
    expect(await sendAsApp(node, group, 'well done')).toMatchObject({ t: 'group_sent' });
    await expect(alice.message('well done')).toContainText(NODE);
    expect(await alice.messageTexts()).toEqual(['welcome, browser', 'hello, node', 'an admin now', 'well done']);
  } finally {
    await node.client.close();
  }
});
