/**
 * Limits shared by server and client. The server enforces them; the client uses them to refuse
 * early with a friendly message. Server-side values can be overridden by configuration
 * (see signaling/config.ts); these are the defaults.
 */
export const LIMITS = {
  /** Largest WebSocket frame the server accepts: a sealed 64 KiB file chunk with its headers fits. */
  maxFrameBytes: 96 * 1024,
  /** Largest sealed envelope, in base64url characters. */
  maxEnvelopeChars: 60_000,
  /** Longest chat message text, in UTF-16 code units, checked by the client before sealing. */
  maxTextChars: 8_000,
  /** Most ids in one ack / receipt frame. */
  maxAckBatch: 256,
  /** Longest `signal` payload (an SDP with its candidates is a few KB). */
  maxSignalChars: 16_000,
  // ---- presence (receipts, typing, display names) ----
  /** Largest sealed envelope of a `transient` frame (a typing signal is well under 300 characters). */
  maxTransientChars: 1_024,
  /** Most message ids in one sealed read receipt; more read at once go in several. */
  maxReadIds: 100,
  /** Longest display name, in characters (code points) after trimming and NFC. */
  maxDisplayNameChars: 64,
  /**
   * Longest disappearing-message timer a `send` may ask the server to keep a queued copy for, in
   * seconds: the offline queue's own default TTL (14 days), which bounds it anyway.
   */
  maxSendTtlSeconds: 14 * 24 * 3600,
} as const;

/** Groups (issue 12, shared/protocol-groups.ts): bounds every client and the server agree on. */
export const GROUP_LIMITS = {
  /** Longest group name and topic on a directory card, in UTF-16 code units. */
  maxGroupNameChars: 64,
  maxGroupTopicChars: 256,
  /** Longest search text. */
  maxGroupSearchChars: 64,
  /** One KeyPackage, base64url (suite 1 with a basic credential is ~400 characters). */
  maxKeyPackageChars: 4_000,
  /** KeyPackages in one kp_upload, and users in one kp_claim. */
  maxKeyPackagesPerUpload: 32,
  maxClaimUsers: 16,
  /** A commit (PublicMessage) and a Welcome, base64url: both must fit one frame together (LIMITS.maxFrameBytes). */
  maxCommitChars: 60_000,
  maxWelcomeChars: 60_000,
  /**
   * A commit and Welcome over those (a remove in a sparse 1,000-member tree is ~82.5 KB) go in
   * parts (`group_commit_put`, signaling/groups/big-commits.ts): one part's bytes, 64 K base64url
   * characters, well inside a frame; the log entry and the Welcome come back in parts of as many
   * characters (`group_commit_get`).
   */
  commitPartBytes: 48 * 1024,
  /** The bytes of a commit in parts: a length prefix, the commit and the Welcome, each at most MLS_LIMITS.maxMessageBytes. */
  maxBigCommitBytes: 4 + 2 * 256 * 1024,
  /** Parts of the largest commit in parts (11). */
  maxCommitParts: Math.ceil((4 + 2 * 256 * 1024) / (48 * 1024)),
  /** Groups named in one group_list frame at login. */
  maxGroupsPerListFrame: 50,
  /** Groups in one search answer. */
  maxSearchResults: 20,
} as const;
