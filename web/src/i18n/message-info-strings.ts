/**
 * The words of "Message info" (issue 12 item 4): who has one's own group message. The dialog's
 * name, its headings and its Close button are the UI contract tests find them by.
 */
import { msg } from '@lit/localize';

export const ti = {
  /** The menuitem of a message's "Message actions" and the dialog it opens. */
  messageInfo: () => msg('Message info', { id: 'message-info' }),
  readBy: () => msg('Read by', { id: 'message-info-read-by' }),
  deliveredTo: () => msg('Delivered to', { id: 'message-info-delivered-to' }),
  notYetDelivered: () => msg('Not yet delivered', { id: 'message-info-not-yet-delivered' }),
  /** Under a heading with nobody in it. */
  nobody: () => msg('Nobody yet', { id: 'message-info-nobody' }),
  /** The group has nobody else who was in it when the message was posted. */
  noMembers: () => msg('Nobody else was in the group when this was sent.', { id: 'message-info-no-members' }),
  loading: () => msg('Asking the server…', { id: 'message-info-loading' }),
  close: () => msg('Close', { id: 'message-info-close' }),
  /** Said when the user does not send read receipts: reads are not shown either. */
  readsHidden: () => msg('You turned read receipts off, so reads are not shown.', { id: 'message-info-reads-hidden' }),
};
