/**
 * Sending an operator announcement: stored first (so a user logging in meanwhile reads it), then
 * handed to every welcomed connection of this process. A login racing it may get it twice (live
 * and after its welcome); the client shows an id once.
 */
import type { Session } from '../session';
import type { Announcement, Store } from '../store/store';

export function createAnnouncer(store: Store, sessions: ReadonlySet<Session>): (text: string) => Promise<Announcement> {
  return async (text) => {
    const item = await store.announcements.add(text);
    for (const s of sessions) if (s.username && s.welcomed && !s.closed) s.send({ t: 'announcements', items: [item] });
    return item;
  };
}
