/**
 * Every user-facing string, in one place. Each is wrapped in @lit/localize's `msg` so
 * `lit-localize extract` can produce a translation file (a 简体中文 one is the next to come);
 * English is the source locale. Functions, so the text is read at render time.
 */
import { msg, str } from '@lit/localize';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (powers of 1024, the way file managers show sizes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** Seconds → "1:05" or "1:02:03"; "–" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.ceil(seconds);
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const parts = hms[0] ? hms : hms.slice(1);
  return parts.map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, '0'))).join(':');
}

export const t = {
  appName: () => msg('Parley', { id: 'app-name' }),
  /** Ends a conversation button's accessible name: "bob Online, 2 unread". */
  unreadSuffix: (n: number) => msg(str`, ${n} unread`, { id: 'unread-suffix', desc: 'Read by screen readers after the contact name' }),
  tagline: () => msg('Private messages, straight from your browser to theirs.', { id: 'tagline' }),
  username: () => msg('Username', { id: 'username' }),
  usernameHint: () => msg('3–32 characters: a–z, 0–9, _ and -', { id: 'username-hint' }),
  createAccount: () => msg('Create account', { id: 'create-account' }),
  creating: () => msg('Creating…', { id: 'creating' }),
  badUsername: () => msg('A username is 3–32 characters of a–z, 0–9, _ and -.', { id: 'bad-username' }),
  cannotConnect: () => msg('Cannot reach the Parley server. Check your connection and try again.', { id: 'cannot-connect' }),
  restoreTitle: () => msg('Restore from a backup', { id: 'restore-title' }),
  backupFile: () => msg('Backup file', { id: 'backup-file' }),
  passphrase: () => msg('Passphrase', { id: 'passphrase' }),
  restore: () => msg('Restore', { id: 'restore' }),
  restoreFailed: (why: string) => msg(str`Could not restore: ${why}`, { id: 'restore-failed' }),
  exportBackup: () => msg('Export backup', { id: 'export-backup' }),
  exportHint: () => msg('Your account lives in this browser. Save a backup to keep it if you clear site data or move to another browser.', { id: 'export-hint' }),
  exportPassphrase: () => msg('Choose a passphrase for the backup', { id: 'export-passphrase' }),
  exportConfirm: () => msg('Download backup', { id: 'export-confirm' }),
  passphraseTooShort: () => msg('Use at least 8 characters.', { id: 'passphrase-too-short' }),
  cancel: () => msg('Cancel', { id: 'cancel' }),
  relayOnly: () => msg('Relay only', { id: 'relay-only' }),
  relayOnlyHint: () => msg('Never connect directly: your network address stays hidden from contacts. Messages go through the server, still end-to-end sealed.', { id: 'relay-only-hint' }),
  signedInAs: (name: string) => msg(str`Signed in as ${name}`, { id: 'signed-in-as' }),
  addContact: () => msg('Add contact', { id: 'add-contact' }),
  sendRequest: () => msg('Send request', { id: 'send-request' }),
  requestSent: (name: string) => msg(str`Request sent to ${name}.`, { id: 'request-sent' }),
  requestFailed: (why: string) => msg(str`Could not send the request: ${why}`, { id: 'request-failed' }),
  requests: () => msg('Requests', { id: 'requests', desc: 'Heading of incoming contact requests' }),
  wantsToConnect: (name: string) => msg(str`${name} wants to connect`, { id: 'wants-to-connect' }),
  accept: () => msg('Accept', { id: 'accept' }),
  decline: () => msg('Decline', { id: 'decline' }),
  pending: () => msg('Waiting for', { id: 'pending', desc: 'Before a comma-separated list of usernames whose contact request is not yet answered' }),
  contacts: () => msg('Contacts', { id: 'contacts' }),
  noContacts: () => msg('No contacts yet. Add someone by their username.', { id: 'no-contacts' }),
  online: () => msg('online', { id: 'online', desc: 'A contact’s presence, beside their name' }),
  offline: () => msg('offline', { id: 'offline', desc: 'A contact’s presence, beside their name' }),
  keyChangedBadge: () => msg('key changed', { id: 'key-changed-badge', desc: 'Badge beside a contact whose safety number changed' }),
  pickContact: () => msg('Choose a contact to start talking.', { id: 'pick-contact' }),
  back: () => msg('Back', { id: 'back' }),
  messages: () => msg('Messages', { id: 'messages' }),
  message: () => msg('Message', { id: 'message', desc: 'Label of the composer text box' }),
  send: () => msg('Send', { id: 'send', desc: 'The composer’s send button' }),
  connectionPath: () => msg('Connection path', { id: 'connection-path' }),
  pathRelay: () => msg('relay', { id: 'path-relay', desc: 'Connection path: messages go through the server' }),
  pathDirect: () => msg('direct', { id: 'path-direct', desc: 'Connection path: a direct WebRTC link' }),
  stateSending: () => msg('sending', { id: 'state-sending', desc: 'Delivery state of a sent message' }),
  stateSent: () => msg('sent', { id: 'state-sent', desc: 'Delivery state: the server has it' }),
  stateDelivered: () => msg('delivered', { id: 'state-delivered', desc: 'Delivery state: on the recipient’s device' }),
  stateFailed: () => msg('failed', { id: 'state-failed', desc: 'Delivery state of a sent message' }),
  messageDeleted: () => msg('This message was deleted', { id: 'message-deleted' }),
  unsupportedMessage: () => msg('Unsupported message: this version of Parley cannot show it.', { id: 'unsupported-message', desc: 'A newer client sent a kind of message this version does not know' }),
  /** A reaction button's accessible name: the emoji and how many chose it. */
  reactionCount: (emoji: string, n: number) => msg(str`${emoji} ${n}`, { id: 'reaction-count' }),
  attachFile: () => msg('Attach file', { id: 'attach-file' }),
  dropHere: () => msg('Drop files to send them', { id: 'drop-here' }),
  transferOf: (name: string) => msg(str`Transfer of ${name}`, { id: 'transfer-of' }),
  waitingForPeer: () => msg('Waiting for the other side…', { id: 'waiting-for-peer' }),
  verifying: () => msg('Checking integrity…', { id: 'verifying' }),
  speedAndTime: (speed: string, left: string) => msg(str`${speed}/s · ${left} left`, { id: 'speed-and-time', desc: 'File transfer progress: speed per second and time left' }),
  transferCancelled: () => msg('Cancelled.', { id: 'transfer-cancelled' }),
  integrityFailed: () => msg('The file arrived damaged (its SHA-256 does not match) and was discarded.', { id: 'integrity-failed' }),
  transferInterrupted: () => msg('The transfer was interrupted. Send the file again.', { id: 'transfer-interrupted' }),
  uploadingFor: (name: string) => msg(str`Uploading, sealed, for ${name} to collect later…`, { id: 'uploading-for' }),
  storedFor: (name: string) => msg(str`Kept on the server, sealed, until ${name} collects it.`, { id: 'stored-for' }),
  offlineFileTooLarge: (name: string, limit: string, files: string) =>
    msg(str`${name} is offline. Files over ${limit} can only be sent while they are online (not sent: ${files}).`, { id: 'offline-file-too-large' }),
  storageFailed: () => msg('This browser could not store the file (out of room, or Parley open in another tab).', { id: 'storage-failed' }),
  fileGone: () => msg('This file is no longer on this device.', { id: 'file-gone' }),
  tooLargeForRelay: () => msg('This file is too large for the relay. It can go once a direct connection is possible.', { id: 'too-large-for-relay' }),
  download: (name: string) => msg(str`Download ${name}`, { id: 'download' }),
  fileOffered: () => msg('Not downloaded: it is larger than the size you accept automatically.', { id: 'file-offered' }),
  autoAcceptUpTo: () => msg('Accept files automatically up to (MB)', { id: 'auto-accept-up-to', desc: 'A number field in Settings; MB is megabytes' }),
  autoAcceptHint: () => msg('Larger files wait until you accept them; 0 asks for every file. Images within it show a preview.', { id: 'auto-accept-hint' }),
  details: () => msg('Contact details', { id: 'details', desc: 'Button and dialog title for a contact’s details' }),
  safetyNumber: () => msg('Safety number', { id: 'safety-number' }),
  safetyHint: (name: string) =>
    msg(str`Compare these digits with ${name} in person or on a call. If they match, nobody is in the middle.`, { id: 'safety-hint' }),
  memberSafetyHint: () => msg('This key is the one your device first saw for them in a group.', { id: 'member-safety-hint' }),
  keyChanged: (name: string) =>
    msg(str`${name}'s safety number has changed. This can mean they restored their account on a new device, or that someone is intercepting. Messages are on hold until you compare the new safety number and accept it.`, { id: 'key-changed' }),
  acceptNewKey: () => msg('Accept new safety number', { id: 'accept-new-key' }),
  statusConnecting: () => msg('Connecting…', { id: 'status-connecting' }),
  statusOffline: () => msg('Offline: messages will be sent when you reconnect.', { id: 'status-offline' }),
  statusRefused: () => msg('The server refused this account on this device.', { id: 'status-refused' }),
  statusOutdated: () => msg('This page is older than the Parley server. Reload it to get the new version.', { id: 'status-outdated' }),
  reload: () => msg('Reload', { id: 'reload' }),

  // Reading: day separators, authors, paging, links, the image viewer (components/parley-message-log.ts and its modules).
  today: () => msg('Today', { id: 'day-today', desc: 'Day separator in a conversation' }),
  yesterday: () => msg('Yesterday', { id: 'day-yesterday', desc: 'Day separator in a conversation' }),
  authorYou: () => msg('You', { id: 'author-you', desc: 'Author of one\'s own messages, read by screen readers before each' }),
  authorSays: (name: string) => msg(str`${name}:`, { id: 'author-says', desc: 'Read by screen readers before a message: its author and a colon' }),
  jumpToLatest: () => msg('Jump to latest', { id: 'jump-to-latest' }),
  jumpToLatestNew: (n: number) => msg(str`Jump to latest, ${n} new`, { id: 'jump-to-latest-new', desc: 'Button below the log; n new messages arrived while reading older ones' }),
  loadingOlder: () => msg('Loading older messages…', { id: 'loading-older' }),
  imageViewer: (name: string) => msg(str`Image ${name}`, { id: 'image-viewer', desc: 'Name of the dialog showing an image full size' }),
  viewImage: (name: string) => msg(str`View ${name}`, { id: 'view-image', desc: 'Link around an image preview; opens it full size' }),
  close: () => msg('Close', { id: 'close' }),
  // ---- message actions (reply, react, copy, edit, delete): components/parley-message-actions.ts and the composer
  messageActions: () => msg('Message actions', { id: 'message-actions' }),
  reply: () => msg('Reply', { id: 'reply' }),
  react: () => msg('React', { id: 'react' }),
  copy: () => msg('Copy', { id: 'copy' }),
  edit: () => msg('Edit', { id: 'edit' }),
  deleteForEveryone: () => msg('Delete for everyone', { id: 'delete-for-everyone' }),
  deleteForMe: () => msg('Delete for me', { id: 'delete-for-me' }),
  reactions: () => msg('Reactions', { id: 'reactions', desc: 'The label of the list of emoji to react with' }),
  replyingTo: (name: string) => msg(str`Replying to ${name}`, { id: 'replying-to' }),
  cancelReply: () => msg('Cancel reply', { id: 'cancel-reply' }),
  editingMessage: () => msg('Editing message', { id: 'editing-message' }),
  cancelEdit: () => msg('Cancel edit', { id: 'cancel-edit' }),
  edited: () => msg('edited', { id: 'edited', desc: 'Shown beside the time of a message its author changed' }),
  /** A quote's accessible name: who wrote the message answered, and its start. */
  inReplyTo: (name: string, text: string) => msg(str`In reply to ${name}: ${text}`, { id: 'in-reply-to' }),
  quoteDeleted: () => msg('This message was deleted', { id: 'quote-deleted' }),
  copied: () => msg('Copied', { id: 'copied' }),
  // ---- people: the conversation list, search, block and remove, the replaced session ----
  /** The tab's title while messages are unread. */
  titleUnread: (n: number) => msg(str`(${n}) Parley`, { id: 'title-unread', desc: 'The browser tab title; n is the number of unread messages' }),
  conversations: () => msg('Conversations', { id: 'conversations' }),
  search: () => msg('Search', { id: 'search' }),
  searchResults: () => msg('Messages found', { id: 'search-results' }),
  searching: () => msg('Searching…', { id: 'searching' }),
  noResults: () => msg('No messages found.', { id: 'no-results' }),
  noConversationMatches: () => msg('No conversation has that name.', { id: 'no-conversation-matches' }),
  /** A file message in the conversation list's preview. */
  previewFile: (name: string) => msg(str`📎 ${name}`, { id: 'preview-file', desc: 'Conversation list preview of a file message' }),
  noMessagesYet: () => msg('No messages yet', { id: 'no-messages-yet' }),
  blockedBadge: () => msg('blocked', { id: 'blocked-badge', desc: 'Badge beside a blocked contact' }),
  block: () => msg('Block', { id: 'block' }),
  unblock: () => msg('Unblock', { id: 'unblock' }),
  blockHint: (name: string) => msg(str`${name} will not be able to message you, send you files or requests, or see when you are online. They are not told.`, { id: 'block-hint' }),
  removeContact: () => msg('Remove contact', { id: 'remove-contact' }),
  removeConfirm: (name: string) =>
    msg(str`Remove ${name} from your contacts? You stop being contacts both ways; your messages stay on this device. Either of you may send a request again.`, { id: 'remove-confirm' }),
  remove: () => msg('Remove', { id: 'remove' }),
  composerBlocked: (name: string) => msg(str`You blocked ${name}. Unblock them to send messages.`, { id: 'composer-blocked' }),
  composerReplaced: () => msg('This account is now used in another browser or tab: messages can no longer be sent from here.', { id: 'composer-replaced' }),
  statusReplacedElsewhere: () =>
    msg('This account is now used in another browser or tab. Parley stopped here: nothing is sent or received in this one. Reload to use it here again.', { id: 'status-replaced-elsewhere' }),
  /** The sender's side of a file on its way: "Sending 30%". */
  fileSending: (percent: number) => msg(str`Sending ${percent}%`, { id: 'file-sending' }),
  // ---- presence: receipts, typing, notifications, display name, settings ----
  /** Read implies delivered, and the label says both (a reader of "delivered" is not told less). */
  stateRead: () => msg('delivered · read', { id: 'state-read', desc: 'A sent message its recipient has seen' }),
  isTyping: (name: string) => msg(str`${name} is typing…`, { id: 'is-typing' }),
  settings: () => msg('Settings', { id: 'settings' }),
  settingsProfile: () => msg('Profile', { id: 'settings-profile' }),
  displayName: () => msg('Display name', { id: 'display-name' }),
  displayNameHint: () => msg('What your contacts see instead of your username: 1–64 characters, in any script.', { id: 'display-name-hint' }),
  displayNameInvalid: () => msg('A display name is 1–64 characters, with no control characters.', { id: 'display-name-invalid' }),
  saveDisplayName: () => msg('Save display name', { id: 'save-display-name' }),
  displayNameSaved: () => msg('Saved. Your contacts will see it.', { id: 'display-name-saved' }),
  settingsPrivacy: () => msg('Privacy', { id: 'settings-privacy' }),
  sendReadReceipts: () => msg('Send read receipts', { id: 'send-read-receipts' }),
  sendReadReceiptsHint: () =>
    msg('Off: your contacts do not see when you have read their messages, and you do not see when they have read yours.', { id: 'send-read-receipts-hint' }),
  showTyping: () => msg('Show typing', { id: 'show-typing' }),
  showTypingHint: () => msg('Off: your contacts do not see when you type, and you do not see when they do.', { id: 'show-typing-hint' }),
  settingsNotifications: () => msg('Notifications', { id: 'settings-notifications' }),
  enableNotifications: () => msg('Enable notifications', { id: 'enable-notifications' }),
  notificationsHint: () => msg('A notification when a message or a contact request arrives while Parley is in the background or another conversation is open.', { id: 'notifications-hint' }),
  notificationsDenied: () => msg('Notifications are blocked for this site in the browser settings.', { id: 'notifications-denied' }),
  notificationsUnsupported: () => msg('This browser cannot show notifications.', { id: 'notifications-unsupported' }),
  notificationText: () => msg('Show message text in notifications', { id: 'notification-text' }),
  notificationNoText: () => msg('New message', { id: 'notification-no-text', desc: 'Notification body when message text is hidden' }),
  notificationRequest: () => msg('Wants to be your contact', { id: 'notification-request' }),
  muteNotifications: () => msg('Mute notifications', { id: 'mute-notifications' }),
  settingsBackup: () => msg('Backup', { id: 'settings-backup' }),
  settingsBrowser: () => msg('This browser', { id: 'settings-browser' }),
  signOut: () => msg('Sign out of this browser', { id: 'sign-out' }),
  signOutWarning: () =>
    msg('This deletes your account, contacts, messages and files from this browser. Without a backup your account cannot be brought back: export a backup first.', { id: 'sign-out-warning' }),
  signOutConfirm: () => msg('Delete this browser’s data and sign out', { id: 'sign-out-confirm' }),
  // conversations (last gaps): restoring a backup from Settings
  restoreReplaceWarning: () =>
    msg('Restoring another account replaces the one in this browser: its contacts, messages and files here are deleted. Export a backup of it first.', { id: 'restore-replace-warning' }),
  restoreReplaceConfirm: () => msg('Replace this browser’s account', { id: 'restore-replace-confirm' }),
  restoreSameAccount: () => msg('This backup is the account already in this browser.', { id: 'restore-same-account' }),
  // ---- hardening (review 2026-12-02) ----
  quoteNotFound: () =>
    msg('Original message not found', { id: 'quote-not-found', desc: 'Shown as the author of a quote whose original this device does not have and that names someone other than the contact' }),
};
