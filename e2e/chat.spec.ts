import { expect, test } from './support/fixtures';

test('two people sign up, become contacts, chat both ways and see delivered', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  await alice.signUp();
  await bob.signUp();
  await alice.befriend(bob);

  await alice.openChat('bob');
  await bob.openChat('alice');

  await alice.send('hello bob');
  await expect(bob.message('hello bob')).toBeVisible();
  await expect(alice.message('hello bob')).toContainText('delivered');

  await bob.send('hi alice');
  await expect(alice.message('hi alice')).toBeVisible();
  await expect(bob.message('hi alice')).toContainText('delivered');

  expect(await alice.messageTexts()).toEqual(['hello bob', 'hi alice']);
  expect(await bob.messageTexts()).toEqual(['hello bob', 'hi alice']);
});

test('both sides show the same safety number', async ({ openUser }) => {
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  await alice.signUp();
  await bob.signUp();
  await alice.befriend(bob);
  const digits = async (user: typeof alice, peer: string) => {
    await user.openChat(peer);
    await user.page.getByRole('button', { name: 'Contact details' }).click();
    const section = user.page.getByRole('region', { name: 'Safety number' });
    await expect(section).toContainText(/Safety number\s*(\d{5} ){11}\d{5}/);
    return (await section.getByTestId('safety-number').textContent())!.trim();
  };
  const a = await digits(alice, 'bob');
  const b = await digits(bob, 'alice');
  expect(a).toMatch(/^(\d{5} ){11}\d{5}$/);
  expect(a).toBe(b);
});

test('a taken or malformed username gets a clear message in the form', async ({ openUser }) => {
  const first = await openUser('carol');
  await first.signUp();
  const second = await openUser('carol');
  await second.page.getByRole('textbox', { name: 'Username' }).fill('carol');
  await second.page.getByRole('button', { name: 'Create account' }).click();
  await expect(second.page.getByRole('alert')).toHaveText(/taken/);
  await second.page.getByRole('textbox', { name: 'Username' }).fill('No Spaces!');
  await second.page.getByRole('button', { name: 'Create account' }).click();
  await expect(second.page.getByRole('alert')).toHaveText(/3–32 characters/);
  // After a refusal the same tab can still create an account.
  second.name = 'carol2';
  await second.signUp();
});
