/**
 * What the server reads of MLS objects: public fields only, never a secret (it holds none). The
 * MLS module (shared/groups/) decodes; this face is what the group handlers need, so they can be
 * tested with real objects and the decoder swapped without touching them. Each method throws on
 * anything that does not decode or is not what it claims (the handler answers `bad_mls`).
 */

export interface KeyPackageInfo {
  /** The basic credential's identity (UTF-8). */
  username: string;
  /** The leaf's signature key, base64url (compared with the account's identity key). */
  signatureKey: string;
  /** The KeyPackage's reference (RFC 9420 §5.2), base64url: unique per package. */
  ref: string;
}

export interface CommitInfo {
  /** The MLS group id, base64url. */
  groupId: string;
  epoch: number;
  /** The committer's leaf index (a member commit; anything else is refused). */
  senderLeaf: number;
  adds: { username: string; signatureKey: string; keyPackageRef: string }[];
  /** Leaf indexes the commit removes. */
  removes: number[];
  /** The commit changes the group context extensions (Parley's roles extension). */
  rolesChanged: boolean;
  /** The roles it sets, when `rolesChanged`. */
  roles?: { owner: string; admins: string[] };
}

export interface MlsInspector {
  keyPackage(b64: string): Promise<KeyPackageInfo>;
  commit(b64: string): Promise<CommitInfo>;
  /** The KeyPackageRefs (base64url) a Welcome is for. */
  welcome(b64: string): Promise<string[]>;
  /** The clear header of a PrivateMessage; throws for any other MLS message (a commit sent as a message). */
  message(b64: string): Promise<{ groupId: string; epoch: number; contentType: string }>;
}
