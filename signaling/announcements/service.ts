/**
 * Sending an operator announcement: stored first (so a user logging in meanwhile reads it), then
 * handed to every welcomed connection, on every node (the router's `everyone`). A login racing it may get it twice (live
 * and after its welcome); the client shows an id once.
 */
import type { Router } from '../routing/router';
import type { Announcement, Store } from '../store/store';

export function createAnnouncer(store: Store, router: Router): (text: string) => Promise<Announcement> {
  return async (text) => {
    const item = await store.announcements.add(text);
    await router.everyone({ t: 'announcements', items: [item] });
    return item;
  };
}
