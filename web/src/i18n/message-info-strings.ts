/**
 * The words of "Message info" (issue 12 item 4): who has one's own group message. The dialog's
 * name, its headings and its Close button are the UI contract tests find them by.
 */
import { msg } from '@lit/localize';

export const ti = {
  /** The menuitem of a message's "Message actions" and the dialog it opens. */
  messageInfo: () => msg('Message info'),
  readBy: () => msg('Read by'),
  deliveredTo: () => msg('Delivered to'),
  notYetDelivered: () => msg('Not yet delivered'),
  /** Under a heading with nobody in it. */
  nobody: () => msg('Nobody yet'),
  /** The group has nobody else who was in it when the message was posted. */
  noMembers: () => msg('Nobody else was in the group when this was sent.'),
  loading: () => msg('Asking the server…'),
  close: () => msg('Close'),
  /** Said when the user does not send read receipts: reads are not shown either. */
  readsHidden: () => msg('You turned read receipts off, so reads are not shown.'),
};
