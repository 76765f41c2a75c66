/**
 * Operator announcements (issue 13 item 5): a notice the person running the server sends to
 * every user. Spliced into the client and server unions of protocol.ts like the group frames, so
 * each frame is still spelled once. An announcement is the one piece of plaintext the server
 * writes for users to read: it has frame types of its own (never `deliver`), so no user can send
 * one, and the client shows it in its own region as text, never as HTML. PROTOCOL.md,
 * "Announcements", documents the same frames in prose.
 *
 * This file must not import protocol.ts (which imports it).
 */
import { z } from 'zod';

/** Bounds the server and its clients agree on. */
export const ANNOUNCEMENT_LIMITS = {
  /** Longest announcement, in UTF-16 code units. */
  maxChars: 2_000,
  /** Most announcements kept (older ones go first): a flood of them cannot grow storage or a login's frame. */
  maxKept: 20,
  /** How long one is kept for users who have not logged in since. */
  ttlMs: 30 * 24 * 3600 * 1000,
} as const;

/** Announcement ids: increasing integers, so a user's cursor (the highest id they acknowledged) says what they have seen. */
export const AnnouncementId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Text of an announcement: bounded, not empty once trimmed. */
export const AnnouncementText = z.string().max(ANNOUNCEMENT_LIMITS.maxChars).refine((t) => t.trim().length > 0, 'empty announcement');

export const Announcement = z.object({ id: AnnouncementId, text: AnnouncementText, ts: z.number().int().nonnegative() });
export type Announcement = z.infer<typeof Announcement>;

export const AnnouncementClientFrames = [
  /** This user has seen (and dismissed) every announcement up to `id`: the server never sends them again, on any device. No answer. */
  z.object({ t: z.literal('announcement_ack'), id: AnnouncementId }),
] as const;

export const AnnouncementServerFrames = [
  /**
   * Announcements from the server this user has not acknowledged, oldest first: right after the
   * welcome at login (possibly empty: not sent then), and live, one at a time, when one is sent.
   * The same id may come twice (live and at a login happening at that moment): show it once.
   */
  z.object({ t: z.literal('announcements'), items: z.array(Announcement).min(1).max(ANNOUNCEMENT_LIMITS.maxKept) }),
] as const;
