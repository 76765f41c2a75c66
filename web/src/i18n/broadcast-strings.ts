/**
 * The words of broadcast lists (issue 13 item 4): "New broadcast", its dialog ("Broadcast name",
 * "Create broadcast"), the list's conversation ("Edit broadcast", "Delete broadcast") and what
 * each message says of its copies. The names of the controls are the UI contract tests find them by.
 */
import { msg, str } from '@lit/localize';
import type { MessageState } from '../storage/db';
import { pluralOf } from './formats';
import { activeLocale } from './locale';

const STATE: Record<MessageState, () => string> = {
  sending: () => msg('sending', { id: 'broadcast-copy-sending', desc: 'One recipient\'s copy of a broadcast message: not yet handed to the server' }),
  sent: () => msg('sent', { id: 'broadcast-copy-sent', desc: 'One recipient\'s copy: with the server, not yet on their device' }),
  delivered: () => msg('delivered', { id: 'broadcast-copy-delivered', desc: 'One recipient\'s copy: on their device' }),
  read: () => msg('read', { id: 'broadcast-copy-read', desc: 'One recipient\'s copy: they read it' }),
  failed: () => msg('not sent', { id: 'broadcast-copy-failed', desc: 'One recipient\'s copy: it did not go' }),
};

export const tb = {
  newBroadcast: () => msg('New broadcast', { id: 'broadcast-new', desc: 'Button and dialog title: make a broadcast list (one message sent to several contacts, each as a 1:1 message)' }),
  editBroadcast: () => msg('Edit broadcast', { id: 'broadcast-edit' }),
  deleteBroadcast: () => msg('Delete broadcast', { id: 'broadcast-delete' }),
  broadcastName: () => msg('Broadcast name', { id: 'broadcast-name' }),
  recipients: () => msg('Recipients', { id: 'broadcast-recipients', desc: 'The contacts a broadcast list sends to' }),
  createBroadcast: () => msg('Create broadcast', { id: 'broadcast-create' }),
  save: () => msg('Save', { id: 'broadcast-save' }),
  pickOne: () => msg('Pick at least one contact.', { id: 'broadcast-pick-one' }),
  noContacts: () => msg('A broadcast goes to your contacts: add some first.', { id: 'broadcast-no-contacts' }),
  /** The row's and the header's word for what kind of conversation this is. */
  broadcast: () => msg('Broadcast', { id: 'broadcast-badge', desc: 'Says a conversation-list row is a broadcast list' }),
  recipientCount: (n: number) =>
    pluralOf(n, activeLocale()) === 'one'
      ? msg(str`${n} recipient`, { id: 'broadcast-recipient-count-one', desc: 'The singular form, as the language\'s plural rules call it' })
      : msg(str`${n} recipients`, { id: 'broadcast-recipient-count' }),
  hint: () =>
    msg('Each recipient gets your message as an ordinary message from you, in your chat with them; nobody sees who else got it. Replies come to those chats.', {
      id: 'broadcast-hint',
    }),
  noMessages: () => msg('No messages yet.', { id: 'broadcast-no-messages' }),
  messages: () => msg('Messages', { id: 'broadcast-messages', desc: 'The accessible name of a broadcast list\'s message log' }),
  deliveredTo: (n: number, total: number) => msg(str`Delivered to ${n} of ${total}`, { id: 'broadcast-delivered-to' }),
  readBy: (n: number, total: number) => msg(str`Read by ${n} of ${total}`, { id: 'broadcast-read-by' }),
  notSentTo: (n: number) => msg(str`Not sent to ${n}`, { id: 'broadcast-not-sent-to' }),
  /** The disclosure that lists each recipient's copy. */
  details: () => msg('Message info', { id: 'broadcast-message-info' }),
  copyState: (state: MessageState) => STATE[state](),
  confirmDelete: () => msg('Delete this broadcast list? The messages stay in your chats with each recipient.', { id: 'broadcast-confirm-delete' }),
  delete: () => msg('Delete', { id: 'broadcast-delete-confirm' }),
};
