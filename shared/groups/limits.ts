import { LIMITS } from '../limits';

/** Bounds the MLS module applies to what it is handed, before ts-mls parses anything. */
export const MLS_LIMITS = {
  /**
   * Largest encoded MLS object accepted (KeyPackage, commit, Welcome, application message). A
   * Welcome never carries the ratchet tree (trees.ts), and the server's frame limit is lower
   * still, so this only stops a huge buffer from being parsed at all.
   */
  maxMessageBytes: 256 * 1024,
  /** Most members a group may hold; the roles extension and every call that takes usernames stay within it. */
  maxMembers: 1000,
  /**
   * Largest encoded ratchet tree (trees.ts): it travels beside the Welcome, not in it. A filled
   * tree of 1,000 members is ~257 KB (research/groups.md); twice that leaves room for long
   * usernames and extensions.
   */
  maxTreeBytes: 512 * 1024,
  /** One part of a tree as uploaded or fetched: 48 KiB is 64 K base64url characters, well inside a frame. */
  treePartBytes: 48 * 1024,
  /** Parts of the largest tree. */
  maxTreeParts: Math.ceil((512 * 1024) / (48 * 1024)),
  /**
   * Largest application message plaintext, in bytes: what still fits a `group_send` frame
   * (LIMITS.maxEnvelopeChars of base64url) once sealed, with room for the MLS header, the
   * signature, the AEAD tag and padding; a longer one would seal, then be refused as `bad_frame`.
   */
  maxPlaintextBytes: Math.floor((LIMITS.maxEnvelopeChars * 3) / 4) - 1024,
  /** Key packages made in one call (the client tops up its pool on the server in batches). */
  maxKeyPackagesPerCall: 100,
  /** Length of a Parley group id: 16 random bytes. */
  groupIdBytes: 16,
  /** How long a key package is valid, in seconds, from its creation (one-use; this only bounds a stale pool). */
  keyPackageLifetimeSeconds: 90 * 24 * 3600,
} as const;
