import { befriended, chatting, expect, test } from './support/fixtures';

test('a recipient who was offline receives everything in order after logging back in', async ({ openUser }) => {
  const [alice, bob] = await befriended(openUser);
  await alice.openChat('bob');
  await expect(alice.contactButton('bob')).toContainText('online');

  await bob.closeTab();
  await expect(alice.contactButton('bob')).toContainText('offline');

  const texts = ['one', 'two', 'three', 'four', 'five'];
  for (const text of texts) await alice.send(text);
  // Held by the server: "sent", not yet "delivered".
  for (const text of texts) await expect(alice.message(text)).toContainText('sent');

  await bob.reopen();
  await bob.openChat('alice');
  await expect(bob.message('five')).toBeVisible();
  expect(await bob.messageTexts()).toEqual(texts);
  for (const text of texts) await expect(alice.message(text)).toContainText('delivered');

  // Coming back again shows nothing twice.
  await bob.page.reload();
  await bob.openChat('alice');
  await expect(bob.message('five')).toBeVisible();
  expect(await bob.messageTexts()).toEqual(texts);
});

test('a reload keeps identity, contacts and history', async ({ openUser }) => {
  const [alice, bob] = await befriended(openUser);
  await alice.openChat('bob');
  await alice.send('before reload');
  await expect(alice.message('before reload')).toContainText('delivered');

  await alice.page.reload();
  await expect(alice.page.getByText('Signed in as alice')).toBeVisible();
  await expect(alice.contactButton('bob')).toContainText('online');
  await alice.openChat('bob');
  await expect(alice.message('before reload')).toContainText('delivered');
  await alice.send('after reload');
  await expect(alice.message('after reload')).toContainText('delivered');

  await bob.page.reload();
  await bob.openChat('alice');
  await expect(bob.message('after reload')).toBeVisible();
  expect(await bob.messageTexts()).toEqual(['before reload', 'after reload']);
});

test('presence changes live when one side closes and comes back', async ({ openUser }) => {
  const [alice, bob] = await befriended(openUser);
  await expect(alice.contactButton('bob')).toContainText('online');
  await bob.closeTab();
  await expect(alice.contactButton('bob')).toContainText('offline');
  await bob.reopen();
  await expect(alice.contactButton('bob')).toContainText('online');
  await expect(bob.contactButton('alice')).toContainText('online');
});

test('before the login completes, the contacts this device knows are listed and a message written then goes out at login', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  await alice.send('earlier');
  await expect(alice.message('earlier')).toContainText('delivered');

  // alice's next connection reaches the server only when the test lets it.
  let letThrough!: () => void;
  const held = new Promise<void>((resolve) => (letThrough = resolve));
  await alice.page.routeWebSocket(/\/ws$/, async (ws) => {
    await held;
    ws.connectToServer();
  });
  await alice.page.reload();
  await expect(alice.page.getByText('Signed in as alice')).toBeVisible();
  // Listed from this device (offline until the server says otherwise), with the conversation's history.
  await expect(alice.contactButton('bob')).toContainText('offline');
  await alice.openChat('bob');
  await expect(alice.message('earlier')).toContainText('delivered');
  await alice.send('written before login');
  await expect(alice.message('written before login')).toContainText('sending');
  await alice.page.waitForTimeout(500);
  await expect(alice.message('written before login')).toContainText('sending');

  letThrough();
  await expect(alice.contactButton('bob')).toContainText('online', { timeout: 30_000 });
  await expect(alice.message('written before login')).toContainText('delivered');
  await expect(bob.message('written before login')).toBeVisible();
  expect(await bob.messageTexts()).toEqual(['earlier', 'written before login']);
});
