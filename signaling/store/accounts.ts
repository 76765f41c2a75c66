/** Accounts: a username and its public identity key; the server never holds a secret of a user's. */

export interface UserRecord {
  username: string;
  /** Ed25519 public key, base64url. */
  identityKey: string;
}

export interface AccountStore {
  get(username: string): Promise<UserRecord | undefined>;
  /** False when the name is taken (the first key stays). */
  create(user: UserRecord): Promise<boolean>;
}
