/**
 * Restoring a backup file into this browser: at sign-up it becomes the account here; in Settings,
 * where an account is here already, another account replaces it. The file is opened first (a
 * wrong passphrase changes nothing); then this browser's data of the old account is deleted as
 * "Sign out of this browser" deletes it, the restored identity and display name are written to
 * the fresh database, and the page reloads into the restored account.
 */
import type { BackedUpIdentity } from '../../../shared/backup';
import { MY_NAME, type Profiles } from '../conversations/profiles';
import type { Account } from '../identity/account';
import { openDatabase } from '../storage/db';

export interface RestoreDeps {
  account: Account;
  profiles: Profiles;
  /** Connects and shows the app (the sign-up case). */
  signedIn: () => void;
  /** Stops every service and deletes this browser's data, without reloading. */
  wipe: () => Promise<void>;
  reload: () => void;
}

export async function restoreBackup(d: RestoreDeps, fileText: string, passphrase: string): Promise<'restored' | 'same'> {
  const restored = d.account.readBackup(fileText, passphrase);
  if (d.account.holds(restored)) {
    if (restored.displayName) await d.profiles.restoreMine(restored.displayName);
    return 'same';
  }
  if (!d.account.registered) {
    await d.account.adopt(restored);
    if (restored.displayName) await d.profiles.restoreMine(restored.displayName);
    d.signedIn();
    return 'restored';
  }
  await d.wipe();
  await writeFresh(restored);
  d.reload();
  return 'restored';
}

/** The restored account in a database that was just deleted: its identity, and its display name. */
async function writeFresh(restored: BackedUpIdentity): Promise<void> {
  const db = await openDatabase();
  try {
    await db.put('identity', { username: restored.username, publicKey: restored.publicKey, secretKey: restored.secretKey, registered: true }, 'self');
    if (restored.displayName) await db.put('settings', restored.displayName, MY_NAME);
  } finally {
    db.close();
  }
}
