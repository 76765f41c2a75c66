/**
 * The words of member chats (issue 12, item 5): a 1:1 chat with a group member who is not a
 * contact. "Message", "Not a contact", "Add contact" and "Block" are the UI contract of the issue
 * (tests and screen readers find things by them).
 */
import { msg, str } from '@lit/localize';

export const tm = {
  message: () => msg('Message', { id: 'member-chat-message' }),
  messageMember: (user: string) => msg(str`Message ${user}`, { id: 'member-chat-message-member' }),
  notAContact: () => msg('Not a contact', { id: 'member-chat-not-contact' }),
  notAContactHint: () =>
    msg('You can write to each other while you share a group that lets members message each other. Add them as a contact to keep talking.', { id: 'member-chat-hint' }),
  noSharedGroup: () => msg('You no longer share a group that lets members message each other. Add them as a contact to go on.', { id: 'member-chat-gone' }),
  addContact: () => msg('Add contact', { id: 'member-chat-add-contact' }),
  requestSent: () => msg('Contact request sent.', { id: 'member-chat-request-sent' }),
  block: () => msg('Block', { id: 'member-chat-block' }),
  unblock: () => msg('Unblock', { id: 'member-chat-unblock' }),
  actions: (user: string) => msg(str`Not a contact: ${user}`, { id: 'member-chat-actions' }),
};
