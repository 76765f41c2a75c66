/**
 * Operator announcements (issue 13 item 5): what a connection is sent at login, and its ack.
 * The cursor is per account (server-side), so an announcement acknowledged on one device is
 * never sent to another.
 */
import { takeStateWrite } from './state-writes';
import type { Session } from '../session';
import type { Context, Handler } from './context';

/** After the welcome: the announcements this user has not acknowledged, in one frame (none: no frame). */
export async function sendPendingAnnouncements(ctx: Context, session: Session): Promise<void> {
  const items = await ctx.store.announcements.pendingFor(session.username!);
  if (items.length > 0 && !session.closed) session.send({ t: 'announcements', items });
}

export const announcementAck: Handler<'announcement_ack'> = async (ctx, session, f) => {
  takeStateWrite(session, String(f.id));
  await ctx.store.announcements.ack(session.username!, f.id);
};
