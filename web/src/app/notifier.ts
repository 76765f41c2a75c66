/**
 * System notifications and the favicon's unread dot. A message or a contact request that arrives
 * while the tab is hidden, or while another conversation is open, raises a notification when the
 * user enabled them (Settings → "Enable notifications": the permission is asked there, from the
 * click, never on load) and did not mute that conversation, unless the message @mentions the
 * user (a group's mention notifies although the group is muted: the point of naming someone). Its title is the sender's display
 * name (or username), its body the text unless "Show message text in notifications" is off;
 * clicking it focuses the tab and opens the conversation. Text is handed to the browser as text.
 */
import { clip } from '../conversations/bodies/reply';
import type { ArrivedEvent, Messenger } from '../conversations/messenger';
import type { Preferences } from '../conversations/preferences';
import type { ConversationId } from '../conversations/conversation-id';
import type { Contacts } from '../identity/contacts';
import type { FrameRoutes } from '../net/frame-router';
import { t } from '../i18n/strings';
import { tg } from '../i18n/group-strings';
import { tm } from '../i18n/group-chat-strings';
import { mentionsMe } from '../groups/mentions';
import type { StoredMessage } from '../storage/db';

/** The favicon, and the one with the unread dot (both in web/public). */
export const FAVICON = '/favicon.svg';
export const FAVICON_UNREAD = '/favicon-unread.svg';
/** Longest notification body: the rest of a long message is for the conversation. */
export const NOTIFICATION_BODY_CHARS = 200;

/** A notification's body: the start of `text` (never half an emoji: review L4), or "New message". */
export function notificationBody(text: string, showText: boolean): string {
  return showText && text ? clip(text, NOTIFICATION_BODY_CHARS) : t.notificationNoText();
}

/** What decides whether an arrived message notifies, besides the permission and the setting. */
export interface ArrivalContext {
  muted: boolean;
  /** The tab is visible with this very conversation open. */
  readingIt: boolean;
  /** This user's username. */
  me: string | undefined;
}

/** Whether `message` raises a notification: not while read, not when muted unless it @mentions the user. */
export function notifies(message: Pick<StoredMessage, 'mentions'>, c: ArrivalContext): boolean {
  if (c.readingIt) return false;
  return !c.muted || mentionsMe(message.mentions, c.me);
}

export interface NotifierDeps {
  messenger: Pick<Messenger, 'states' | 'addEventListener' | 'removeEventListener'>;
  contacts: Pick<Contacts, 'displayName'>;
  preferences: Pick<Preferences, 'notifications' | 'notificationText'>;
  /** The name of the group whose conversation `conv` is; undefined for a contact's. */
  groupName?: (conv: ConversationId) => string | undefined;
  /** Opens conversation `conv` (with a contact, or a group's: the app root shows it). */
  open: (conv: ConversationId) => void;
  /** This user's username (a mention of them notifies in a muted group). */
  me?: () => string | undefined;
}

export class Notifier {
  #dotted = false;
  #started = false;

  constructor(private readonly d: NotifierDeps) {}

  start(): void {
    this.#started = true;
    this.d.messenger.addEventListener('arrived', this.#onArrived);
    this.d.messenger.states.addEventListener('change', this.#onStates);
    this.#onStates();
  }

  stop(): void {
    this.#started = false;
    this.d.messenger.removeEventListener('arrived', this.#onArrived);
    this.d.messenger.states.removeEventListener('change', this.#onStates);
  }

  /**
   * A contact request as it arrives (not the ones a login lists again): news while the tab is
   * hidden or a conversation is open (the list of requests is then out of sight on a phone).
   */
  attach(frames: FrameRoutes): void {
    frames.on('request_received', (f) => {
      if (this.#started && (document.visibilityState !== 'visible' || this.d.messenger.states.reading !== undefined)) this.#notify(f.from, t.notificationRequest(), `parley:request:${f.from}`, () => undefined);
    });
  }

  readonly #onArrived = (e: Event): void => {
    const { message } = e as ArrivedEvent;
    const states = this.d.messenger.states;
    const readingIt = document.visibilityState === 'visible' && states.reading === message.conv;
    if (!notifies(message, { muted: states.muted(message.conv), readingIt, me: this.d.me?.() })) return;
    this.#message(message);
  };

  /**
   * An edit newly @mentions the user (groups/edit-mentions.ts): news as a mention in a new message
   * is, muted group or not, unless they are reading that conversation.
   */
  mentionedByEdit(message: StoredMessage): void {
    if (!this.#started) return;
    const readingIt = document.visibilityState === 'visible' && this.d.messenger.states.reading === message.conv;
    if (notifies(message, { muted: true, readingIt, me: this.d.me?.() })) this.#message(message);
  }

  #message(message: StoredMessage): void {
    const text = message.deleted || message.unsupported ? '' : message.text;
    const body = notificationBody(text, this.d.preferences.notificationText);
    const author = this.d.contacts.displayName(message.peer) ?? message.peer;
    const group = this.d.groupName?.(message.conv);
    const title = group ? (mentionsMe(message.mentions, this.d.me?.()) ? tm.mentionedIn(author, group) : tg.inGroup(author, group)) : author;
    this.#notify(title, body, `parley:${message.conv}`, () => this.d.open(message.conv));
  }

  /** The favicon shows a dot while anything is unread. */
  readonly #onStates = (): void => {
    const dotted = this.d.messenger.states.totalUnread > 0;
    if (dotted === this.#dotted) return;
    this.#dotted = dotted;
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (link) link.href = dotted ? FAVICON_UNREAD : FAVICON;
  };

  #notify(title: string, body: string, tag: string, open: () => void): void {
    if (!this.d.preferences.notifications || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(title, { body, tag, silent: false });
      n.addEventListener('click', () => {
        window.focus();
        open();
        n.close();
      });
    } catch (err) {
      // Some browsers allow notifications only from a service worker: there are none then.
      console.warn('parley: could not show a notification', err);
    }
  }
}

