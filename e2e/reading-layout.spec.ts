// The log's layout as a reader sees it, in real Chromium against the real server: an incoming
// bubble is as wide as its text (a "hi" does not stretch across the log), a long one wraps within
// the log's bubble width, and one's own go to the other side (issue 10, item 2).
import { chatting, expect, test } from './support/fixtures';

test('incoming bubbles are sized to their content, a long one wraps within the log, and one’s own sit on the other side', async ({ openUser }) => {
  const [alice, bob] = await chatting(openUser);
  const long = 'a long message that goes on and on '.repeat(12).trim();
  await alice.send('hi');
  await alice.send(long);
  await bob.send('ok');
  await expect(bob.message('hi')).toBeVisible();
  await expect(bob.message(long)).toBeVisible();
  const log = (await bob.log.boundingBox())!;
  const short = (await bob.message('hi').boundingBox())!;
  const wrapped = (await bob.message(long).boundingBox())!;
  const mine = (await bob.message('ok').boundingBox())!;
  // Sized to its content: "hi" with its author, time and the actions button, far from the log's width.
  expect(short.width).toBeLessThan(log.width * 0.4);
  expect(short.x - log.x).toBeLessThan(4);
  // The long one is as wide as a bubble may be (75% of the log here), no wider, and wraps to lines.
  expect(wrapped.width).toBeGreaterThan(short.width * 2);
  expect(wrapped.width).toBeLessThanOrEqual(log.width * 0.75 + 1);
  expect(wrapped.height).toBeGreaterThan(short.height * 2);
  // One's own: at the right edge.
  expect(log.x + log.width - (mine.x + mine.width)).toBeLessThan(4);
});
