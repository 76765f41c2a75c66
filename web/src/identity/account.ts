/**
 * The user's own identity on this device: created at sign-up, kept in IndexedDB, proven to the
 * server by signing each connection's challenge, and exportable as a passphrase-protected backup.
 */
import { BackupError, type BackedUpIdentity, exportIdentity, importIdentity } from '../../../shared/backup';
import { type Identity, generateKeyPair, publicKeyB64, signChallenge } from '../../../shared/identity';
import { type ClientFrame, PROTOCOL_VERSION } from '../../../shared/protocol';
import type { Sodium } from '../../../shared/sodium';
import { ParleyError } from '../net/parley-error';
import type { Database, StoredIdentity } from '../storage/db';

export class Account {
  #identity: StoredIdentity | undefined;

  private constructor(
    private readonly db: Database,
    private readonly sodium: Sodium,
  ) {}

  static async load(db: Database, sodium: Sodium): Promise<Account> {
    const account = new Account(db, sodium);
    account.#identity = await db.get('identity', 'self');
    return account;
  }

  get identity(): Identity | undefined {
    return this.#identity;
  }

  get registered(): boolean {
    return this.#identity?.registered === true;
  }

  /** New keys for `username`, saved before the server is asked, so a crash cannot strand an account. */
  async create(username: string): Promise<void> {
    const keys = generateKeyPair(this.sodium);
    this.#identity = { username, ...keys, registered: false };
    await this.db.put('identity', this.#identity, 'self');
  }

  /** Answers a login challenge: registers the first time, logs in afterwards. */
  answer(nonce: string): ClientFrame {
    const id = this.#requireIdentity();
    const sig = signChallenge(this.sodium, id.secretKey, nonce, id.username);
    return id.registered
      ? { t: 'login', username: id.username, sig, v: PROTOCOL_VERSION }
      : { t: 'register', username: id.username, identityKey: publicKeyB64(this.sodium, id), sig, v: PROTOCOL_VERSION };
  }

  async markRegistered(): Promise<void> {
    const id = this.#requireIdentity();
    if (id.registered) return;
    id.registered = true;
    await this.db.put('identity', id, 'self');
  }

  /** The server refused the new name: forget the unregistered keys. */
  async discard(): Promise<void> {
    if (this.#identity?.registered) return;
    this.#identity = undefined;
    await this.db.delete('identity', 'self');
  }

  /** The identity (and the display name, when one is set) sealed under `passphrase`, as a backup file's text. */
  exportBackup(passphrase: string, displayName?: string): string {
    return exportIdentity(this.sodium, { ...this.#requireIdentity(), ...(displayName ? { displayName } : {}) }, passphrase);
  }

  /** Opens a backup file without using it. Throws a ParleyError (not_a_backup, wrong_passphrase). */
  readBackup(fileText: string, passphrase: string): BackedUpIdentity {
    try {
      return importIdentity(this.sodium, fileText, passphrase);
    } catch (err) {
      throw err instanceof BackupError ? new ParleyError(err.code) : err;
    }
  }

  /** Whether `id` is the identity this device holds now. */
  holds(id: Identity): boolean {
    const mine = this.#identity;
    return !!mine && mine.username === id.username && this.sodium.memcmp(mine.publicKey, id.publicKey);
  }

  /** Makes `id` (from readBackup) this device's identity. */
  async adopt(id: Identity): Promise<void> {
    this.#identity = { username: id.username, publicKey: id.publicKey, secretKey: id.secretKey, registered: true };
    await this.db.put('identity', this.#identity, 'self');
  }

  /** Replaces this device's identity with the one in a backup file. Throws a ParleyError (not_a_backup, wrong_passphrase). */
  async importBackup(fileText: string, passphrase: string): Promise<BackedUpIdentity> {
    const id = this.readBackup(fileText, passphrase);
    await this.adopt(id);
    return id;
  }

  #requireIdentity(): StoredIdentity {
    if (!this.#identity) throw new Error('no identity on this device');
    return this.#identity;
  }
}
