/**
 * Sign-up refusals from the server's per-address bounds and reserved names reach the form in words.
 */
import { expect, test } from './support/fixtures';

test.use({ serverEnv: { REGISTRATIONS_PER_HOUR_PER_ADDRESS: '1' } });

test('a reserved name, and an account past the per-address limit, get a clear message in the form', async ({ openUser }) => {
  const first = await openUser('erin');
  await first.signUp();
  const second = await openUser('frank');
  const username = second.page.getByRole('textbox', { name: 'Username' });
  const create = second.page.getByRole('button', { name: 'Create account' });
  await username.fill('admin');
  await create.click();
  await expect(second.page.getByRole('alert')).toHaveText(/reserved/);
  // The server allows one account an hour from this address (loopback): the second is refused, in words.
  await username.fill('frank');
  await create.click();
  await expect(second.page.getByRole('alert')).toHaveText(/Too many accounts/);
  // The form is still usable and the first account is unaffected.
  await expect(create).toBeEnabled();
  await expect(first.page.getByText('Signed in as erin')).toBeVisible();
});
