/**
 * What the server keeps for operator announcements (issue 13 item 5): the announcements
 * themselves (server-authored plaintext: the only plaintext the server stores besides account
 * metadata, SECURITY.md says so) and, per user, a cursor: the highest announcement id they
 * acknowledged. Ids increase, so "not seen yet" is "id above the cursor", on every device.
 *
 * Bounds: at most `maxKept` announcements (the oldest go first when one more is added), each
 * gone `ttlMs` after it was made; one integer per user who ever acknowledged one.
 */
import { ANNOUNCEMENT_LIMITS, type Announcement } from '../../shared/protocol-announcements';

export type { Announcement };

export interface AnnouncementLimits {
  maxKept: number;
  ttlMs: number;
}

export const ANNOUNCEMENT_STORE_DEFAULTS: AnnouncementLimits = { maxKept: ANNOUNCEMENT_LIMITS.maxKept, ttlMs: ANNOUNCEMENT_LIMITS.ttlMs };

export interface AnnouncementStore {
  /** Stores `text` (already checked against the length bound) as the newest announcement, made now. */
  add(text: string): Promise<Announcement>;
  /** Announcements kept and unexpired that `user` has not acknowledged, oldest first. */
  pendingFor(user: string): Promise<Announcement[]>;
  /** `user` has seen every announcement up to `id`: their cursor moves there (never back, never past the newest id); the cursor after. */
  ack(user: string, id: number): Promise<number>;
}
