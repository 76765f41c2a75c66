/**
 * Scheduled messages (issue 13 item 3), 1:1: alice schedules one message a few seconds ahead and
 * another she cancels, then closes her tab. Bob sees the first arrive at its time (absent just
 * before it), marked as scheduled, and never the cancelled one (waited for past its time). Back,
 * alice sees hers as an ordinary sent message. And "Send now" delivers one at once.
 */
import type { ParleyUser } from './support/parley-user';
import { chatting, expect, test } from './support/fixtures';
import { addMembers, createGroup, openGroup } from './support/group-ui';

/** Writes `text` and opens Send options → Schedule message with `at` (ms, whole seconds) in "Send at"; returns the dialog. */
async function pickTime(user: ParleyUser, text: string, at: number) {
  const page = user.page;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send options' }).click();
  await page.getByRole('menuitem', { name: 'Schedule message' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule message' });
  // The input takes the browser's local time, to the second.
  const local = await page.evaluate((ms) => {
    const d = new Date(ms);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, at);
  await dialog.getByLabel('Send at').fill(local);
  return dialog;
}

/** Schedules `text` (written in the composer) through Send options for `at`. */
async function schedule(user: ParleyUser, text: string, at: number): Promise<void> {
  const page = user.page;
  const dialog = await pickTime(user, text, at);
  await dialog.getByRole('button', { name: 'Schedule' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
}

const wholeSecondsFromNow = (ms: number) => Math.ceil((Date.now() + ms) / 1000) * 1000;

test('a scheduled message arrives at its time while the sender’s browser is closed; a cancelled one never does', async ({ openUser }) => {
  const [alice, bob] = await chatting((name, options) => openUser(name, options));
  const first = 'Good morning, this was scheduled';
  const second = 'This one is cancelled';
  const at = wholeSecondsFromNow(6000);
  await schedule(alice, first, at);
  await schedule(alice, second, at);
  await expect(alice.message(first)).toContainText('Scheduled for');
  await expect(alice.message(first).getByRole('button', { name: 'Send now' })).toBeVisible();

  await alice.message(second).getByRole('button', { name: 'Cancel' }).click();
  await expect(alice.message(second)).toHaveCount(0);
  await alice.closeTab(); // her only tab of Parley: nothing of hers runs until she comes back

  // Not before its time: still absent just before it.
  const early = at - 700 - Date.now();
  expect(early).toBeGreaterThan(0);
  await bob.page.waitForTimeout(early);
  await expect(bob.message(first)).toHaveCount(0);
  await expect(bob.message(first)).toBeVisible({ timeout: 10_000 });
  expect(Date.now()).toBeGreaterThanOrEqual(at);
  await expect(bob.message(first)).toContainText('Scheduled');

  // The cancelled one never comes, however long after its time.
  await bob.page.waitForTimeout(Math.max(0, at + 3000 - Date.now()));
  await expect(bob.message(second)).toHaveCount(0);
  await expect(bob.log).not.toContainText(second);

  // Back, alice sees hers sent at its time, the ordinary ticks following; the cancelled one stays gone.
  await alice.reopen();
  await alice.openChat(bob.name);
  await expect(alice.message(first)).toContainText(/delivered|read/i);
  await expect(alice.message(first)).not.toContainText('Scheduled for');
  await expect(alice.message(second)).toHaveCount(0);
});

test('a bad time is refused in the dialog; “Send now” delivers a scheduled message at once, and the sender sees it sent', async ({ openUser }) => {
  const [alice, bob] = await chatting((name, options) => openUser(name, options));
  const text = 'Meant for tomorrow, sent now';
  for (const [at, words] of [
    [wholeSecondsFromNow(-60_000), 'That time has already passed'],
    [wholeSecondsFromNow(400 * 86_400_000), 'Messages can be scheduled up to a year ahead'],
  ] as const) {
    const dialog = await pickTime(alice, text, at);
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await expect(dialog.getByRole('alert')).toContainText(words);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(alice.page.getByRole('textbox', { name: 'Message' })).toHaveValue(text);
  }
  await expect(alice.log.getByRole('listitem')).toHaveCount(0);
  await schedule(alice, text, wholeSecondsFromNow(24 * 3_600_000));
  await expect(alice.message(text)).toContainText('Scheduled for');
  await alice.page.reload(); // it is kept, held, across a reload
  await alice.openChat(bob.name);
  await expect(alice.message(text)).toContainText('Scheduled for');
  await bob.page.waitForTimeout(500);
  await expect(bob.message(text)).toHaveCount(0);

  await alice.message(text).getByRole('button', { name: 'Send now' }).click();
  await expect(bob.message(text)).toBeVisible({ timeout: 5000 });
  await expect(alice.message(text)).not.toContainText('Scheduled for');
  await expect(alice.message(text)).toContainText(/delivered|read/i);
});

test('in a group: a scheduled message is posted for every member at its time while its sender’s browser is closed, re-sealed for one added meanwhile after a reload', async ({ openUser }) => {
  test.setTimeout(90_000);
  const alice = await openUser('alice');
  const bob = await openUser('bob');
  const carol = await openUser('carol');
  for (const u of [alice, bob, carol]) await u.signUp();
  await alice.befriend(bob);
  await alice.befriend(carol);
  await createGroup(alice, 'Early birds');
  const add = async (name: string) => {
    await addMembers(alice, [name]);
    await alice.page.getByRole('button', { name: 'Group details' }).click();
  };
  await add('bob');
  await openGroup(bob, 'Early birds');

  const text = 'Stand-up in five minutes';
  const at = wholeSecondsFromNow(12_000);
  await schedule(alice, text, at);
  await expect(alice.message(text)).toContainText('Scheduled for');
  // Written after it, sent at once: it stays below the scheduled one until that goes.
  await alice.send('Coffee first');
  await expect(bob.message('Coffee first')).toBeVisible();
  // A reload in between: which epoch the server holds it at is read from the outbox, not this page's memory.
  await alice.page.reload();
  await openGroup(alice, 'Early birds');
  await expect(alice.message(text)).toContainText('Scheduled for');
  // carol joins after it was sealed: alice's page seals it again at the new epoch, so carol reads it too.
  await add('carol');
  await openGroup(carol, 'Early birds');
  await alice.page.waitForTimeout(2000); // the re-seal: a cancel and a new hold, a round trip each
  await alice.closeTab();

  const early = at - 700 - Date.now();
  expect(early).toBeGreaterThan(0);
  await bob.page.waitForTimeout(early);
  await expect(bob.message(text)).toHaveCount(0);
  for (const u of [bob, carol]) await expect(u.message(text)).toBeVisible({ timeout: 10_000 });
  expect(Date.now()).toBeGreaterThanOrEqual(at);
  await expect(bob.message(text)).toContainText('Scheduled');
  await expect(carol.message(text)).toContainText('alice');
});
