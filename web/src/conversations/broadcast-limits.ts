/**
 * Bounds of this device's broadcast lists (broadcasts.ts). The lists never leave the device, so
 * nothing on the server enforces these: they keep IndexedDB and one send's work bounded.
 */
export const BROADCAST_LIMITS = {
  /** Lists kept at once. */
  maxLists: 50,
  /** Recipients of one list (WhatsApp's own bound is 256). */
  maxRecipients: 256,
  /** Longest list name, in UTF-16 code units. */
  maxNameChars: 64,
  /** Messages whose per-recipient record is kept per list; older ones are let go (their 1:1 copies stay). */
  sendsKept: 500,
  /**
   * Sealed envelope characters handed to the server per second at most. The server lets one
   * connection store 1 MiB of envelopes for offline contacts at once (OFFLINE_BURST_BYTES), 2 MiB/s
   * after: 256 copies of a long text would pass it and come back rate_limited, so copies are paced.
   */
  envelopeCharsPerSecond: 512 * 1024,
  /** Copies handed over per second at most: well under the server's 500 frames/s, leaving room for receipts and typing. */
  copiesPerSecond: 200,
} as const;
