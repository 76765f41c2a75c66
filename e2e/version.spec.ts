/**
 * A page older than its server (loaded before an upgrade) is told so in words, with a Reload
 * button, instead of reconnecting forever or failing on frames it does not know.
 */
import { expect, test } from './support/fixtures';

test('a tab speaking an older protocol version sees "older than the server" and a Reload button that mends it', async ({ openUser }) => {
  const alice = await openUser('alice');
  await alice.signUp();
  // This page's login claims the version before this one, as a tab of the previous release would.
  await alice.page.addInitScript(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string' && data.includes('"t":"login"') && !sessionStorage.getItem('upgraded')) {
        const frame = JSON.parse(data) as { v: number };
        return send.call(this, JSON.stringify({ ...frame, v: frame.v - 1 }));
      }
      return send.call(this, data);
    };
  });
  await alice.page.reload();
  const banner = alice.page.getByRole('alert').filter({ hasText: 'This page is older than the Parley server' });
  await expect(banner).toBeVisible();
  // It stays refused: no reconnecting loop that a user would see flicker.
  await alice.page.waitForTimeout(1500);
  await expect(banner).toBeVisible();
  // Reloading loads the app the server serves, which speaks its version.
  await alice.page.evaluate(() => sessionStorage.setItem('upgraded', '1'));
  await banner.getByRole('button', { name: 'Reload' }).click();
  await expect(alice.page.getByText('Signed in as alice')).toBeVisible();
  await expect(banner).toHaveCount(0);
});
