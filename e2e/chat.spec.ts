import { befriended, chatting, expect, test } from './support/fixtures';
import type { ParleyUser } from './support/parley-user';

test('two people sign up, become contacts, chat both ways and see delivered', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);

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
  const [alice, bob] = await befriended(openUser);
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

/**
 * Makes `user`'s page corrupt the sealed envelope of the next message it sends on `path` (one
 * base64url character in its middle), as a tampering server or network would.
 */
async function tamperNextEnvelope(user: ParleyUser, path: 'relay' | 'direct'): Promise<void> {
  await user.page.evaluate((path) => {
    const proto = (path === 'relay' ? WebSocket.prototype : RTCDataChannel.prototype) as { send(data: unknown): void };
    const send = proto.send;
    const marker = path === 'relay' ? '"t":"send"' : '"t":"env"';
    let armed = true;
    proto.send = function (this: unknown, data: unknown) {
      if (armed && typeof data === 'string' && data.includes(marker)) {
        armed = false;
        const frame = JSON.parse(data) as { env: string };
        const i = Math.floor(frame.env.length / 2);
        frame.env = frame.env.slice(0, i) + (frame.env[i] === 'A' ? 'B' : 'A') + frame.env.slice(i + 1);
        data = JSON.stringify(frame);
      }
      return send.call(this, data);
    };
  }, path);
}

for (const path of ['relay', 'direct'] as const) {
  test(`a message that cannot be opened on the recipient's device shows not delivered (${path})`, async ({ openUser }) => {
    const [alice, bob] = await chatting(openUser, { noUdp: path === 'relay' });
    await expect(alice.connectionPath()).toHaveText(path);
    await tamperNextEnvelope(alice, path);
    await alice.send('tampered on the way');
    await expect(alice.message('tampered on the way')).toContainText('failed');
    await expect(alice.message('tampered on the way')).toContainText('Not delivered: it could not be opened on their device.');
    await alice.send('the next one is fine');
    await expect(bob.message('the next one is fine')).toBeVisible();
    await expect(alice.message('the next one is fine')).toContainText('delivered');
    expect(await bob.messageTexts()).toEqual(['the next one is fine']);
    // Refused for good: after a reload it still says so, and it is not sent again.
    await alice.page.reload();
    await alice.openChat('bob');
    await expect(alice.message('tampered on the way')).toContainText('Not delivered');
    await expect(alice.message('the next one is fine')).toContainText('delivered');
    expect(await bob.messageTexts()).toEqual(['the next one is fine']);
  });
}
