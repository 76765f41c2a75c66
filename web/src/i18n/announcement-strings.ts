/**
 * The words of operator announcements (issue 13 item 5). "Announcement from the server" (the
 * region's name) and "Dismiss" are the UI contract: tests and screen readers find them by these.
 */
import { msg } from '@lit/localize';

export const ta = {
  region: () => msg('Announcement from the server', { id: 'announcement-region', desc: 'Label of the notice the server operator sends to every user; not from any user' }),
  dismiss: () => msg('Dismiss', { id: 'announcement-dismiss', desc: 'Button that hides the server announcement for good' }),
};
