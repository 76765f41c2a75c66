import type { Announcements } from '../net/announcements';
import { createContext } from '@lit/context';
import type { Sodium } from '../../../shared/sodium';
import type { Transfers } from '../files/transfers';
import type { Broadcasts } from '../conversations/broadcasts';
import type { Messenger } from '../conversations/messenger';
import type { SearchHit } from '../conversations/search';
import type { Preferences } from '../conversations/preferences';
import type { Profiles } from '../conversations/profiles';
import type { Receipts } from '../conversations/receipts';
import type { DisappearingMessages } from '../conversations/disappearing';
import type { Typing } from '../conversations/typing';
import type { ScheduledSends } from '../conversations/scheduled';
import type { GroupTyping } from '../groups/group-typing';
import type { GroupReceipts } from '../groups/group-receipts';
import type { Account } from '../identity/account';
import type { Contacts } from '../identity/contacts';
import type { Connection } from '../net/connection';
import type { Links } from '../peer/links';
import type { GroupsFace } from './groups-face';

/**
 * What the components are handed: the services (each from its own layer) and the few actions of
 * the session itself. The composition root (app/app-services.ts) implements it; components never
 * import from app/ (see README.md).
 */
export interface Services {
  readonly sodium: Sodium;
  readonly connection: Connection;
  readonly account: Account;
  readonly contacts: Contacts;
  readonly links: Links;
  readonly messenger: Messenger;
  readonly transfers: Transfers;
  /** Each conversation's disappearing-messages timer (1:1 and group), and the deleting (conversations/disappearing.ts). */
  readonly disappearing: DisappearingMessages;
  /** Broadcast lists: one message sent to several contacts, each as a 1:1 message (conversations/broadcasts.ts). */
  readonly broadcasts: Broadcasts;
  /** Group chats (web/src/groups/): the list, each group's view, sending, and the admin part. */
  readonly groups: GroupsFace;
  readonly signedIn: boolean;
  readonly relayOnly: boolean;
  setRelayOnly(on: boolean): Promise<void>;
  register(username: string): Promise<void>;
  /**
   * Restores the account in a backup file (and its display name) into this browser; one already
   * here is replaced (its local data deleted, then the page reloads), unless it is that same
   * account ('same').
   */
  restore(fileText: string, passphrase: string): Promise<'restored' | 'same'>;
  /** Messages on this device whose text contains `query`, newest first (conversations/search.ts). */
  searchMessages(query: string, options: { signal?: AbortSignal }): Promise<SearchHit[]>;
  /** Moves when a search may find something else (a message's text came, changed or went): SearchIndex.version. */
  searchVersion(): number;
  /** The user went to the Search box: read the messages into memory now, so the first query is quick. */
  warmSearch(): void;
  // presence: receipts, typing, display names, notifications, sign-out
  readonly preferences: Preferences;
  readonly receipts: Receipts;
  readonly typing: Typing;
  /** Who is typing in which group (groups/group-typing.ts). */
  readonly groupTyping: GroupTyping;
  /** Group read cursors and "Message info" (groups/group-receipts.ts). */
  readonly groupReceipts: GroupReceipts;
  readonly profiles: Profiles;
  /** Scheduled 1:1 messages: schedule, cancel, send now (conversations/scheduled.ts). */
  readonly scheduled: ScheduledSends;
  /** The server operator's announcements not dismissed yet (net/announcements.ts). */
  readonly announcements: Announcements;
  /** Deletes this browser's data (IndexedDB, OPFS) and reloads to sign-up. */
  signOut(): Promise<void>;
}

/** The app's services, provided by <parley-app> to every component below it. */
export const servicesContext = createContext<Services>(Symbol('parley-services'));
