/**
 * The browser's IndexedDB: the identity (secret key never leaves this device unencrypted),
 * trusted contact keys, message history by conversation, each conversation's unread count and
 * draft, the outbox of jobs (sealed envelopes not yet acknowledged by the server's store or the
 * recipient), modifiers waiting for the message they change, and file transfers. Versions and
 * their migrations: migrations.ts; what the conversation stores hold: conversation-records.ts.
 * Groups (version 6): each group's MLS state and view, this device's own key packages, and the
 * first-seen keys of group members who are not contacts.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { upgrade } from './migrations';
import { DB_VERSION } from './db-version';
import type { ConversationId, ConversationRecord, Direction, ExpiringMessage, FileMeta, ForgottenMessage, LastMessage, OutboxEntry, PendingModifier, StoredMessage } from './conversation-records';

export type {
  ConversationId,
  ConversationRecord,
  Direction,
  ExpiringMessage,
  FileMeta,
  ForgottenMessage,
  LastMessage,
  MessageState,
  OutboxEntry,
  OutboxKind,
  PendingModifier,
  StoredMessage,
} from './conversation-records';

export interface StoredIdentity {
  username: string;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  /** False until the server accepted the registration. */
  registered: boolean;
}

export interface StoredContact {
  username: string;
  /** The key this device trusts for the contact (first seen, or explicitly accepted). */
  identityKey: string;
  /** A different key the server now reports; messaging is blocked until the user accepts it. */
  changedKey?: string;
  /** The name the contact gave themselves (a sealed profile body), and its sender's time (the latest wins). */
  displayName?: string;
  displayNameTs?: number;
  /** The user removed this contact: not listed, but its key is kept so a re-added contact's key change still shows. */
  removed?: boolean;
}

/**
 * `stored`: sent, the server keeps the sealed chunks until the contact collects them. `offered`:
 * received offer over the size fetched without asking (files/auto-accept.ts); nothing is fetched
 * until the user accepts it.
 */
export type TransferState = 'offered' | 'waiting' | 'active' | 'verifying' | 'stored' | 'done' | 'cancelled' | 'failed';

/** One file transfer, either way. Survives reloads so a receiver can resume. */
export interface TransferRecord extends FileMeta {
  peer: string;
  dir: Direction;
  sha256: string;
  /** The file key (base64url), from the sealed offer. */
  key: string;
  count: number;
  /** Receiving: leading chunks stored. Sending: leading chunks the receiver acknowledged. */
  next: number;
  /** Receiving: the SHA-256 state (hash-wasm's `save()`) over the chunks stored, so a resumed reception need not read them back. */
  hashState?: Uint8Array;
  state: TransferState;
  /** The sealed chunks are (being) left with the server for a contact who was offline. */
  stored?: boolean;
  /** Why it failed or stopped. */
  reason?: 'integrity' | 'cancelled_by_peer' | 'interrupted' | 'too_large_for_relay' | 'storage';
}

/** What a group role or setting is, as the server names it (shared/protocol-groups.ts). */
export type StoredGroupRole = 'owner' | 'admin' | 'member';

/** One group this device is (or was) in (web/src/groups/group-store.ts). */
export interface StoredGroup {
  /** The MLS group id, base64url (22 characters). */
  id: string;
  /** From the sealed card; empty until one arrives. */
  name: string;
  topic?: string;
  role: StoredGroupRole;
  settings: { listed: boolean; name: string; topic: string; joinPolicy: 'approval' | 'closed'; onlyAdminsSend: boolean; memberChats: boolean };
  /** The last members list this device was told of (`group_state`, events). */
  members?: Array<{ user: string; role: StoredGroupRole; mutedUntil?: number }>;
  removed?: 'removed' | 'banned' | 'left' | 'deleted' | 'lapsed';
  /** When this device joined (ms, its clock). */
  joinedAt: number;
  /** The serialized MLS state (shared/groups serialize()); absent once removed and wiped. */
  state?: Uint8Array;
  /**
   * The state after this device's commit that the server has not answered yet (serialized): if
   * the answer is lost (a reload, a dropped connection), the log brings the commit back and this
   * state is adopted, since MLS cannot process one's own commit.
   */
  pending?: Uint8Array;
  /** The last seq of the group's log this device processed (state and messages stored). */
  seq: number;
}

/** A key package this device made, kept until a Welcome uses it (shared/groups OwnKeyPackage). */
export interface StoredKeyPackage {
  ref: string;
  publicPackage: Uint8Array;
  initPrivateKey: Uint8Array;
  hpkePrivateKey: Uint8Array;
  /** When it was made (ms). */
  made: number;
  /** When a Welcome first used it (ms); its secrets stay a while after (key-pool.ts USED_KEEP_MS). */
  usedAt?: number;
}

/** The identity key first seen for a group member who is not a contact (trust on first use). */
export interface StoredMemberKey {
  username: string;
  /** base64url, as contacts' keys are kept. */
  identityKey: string;
  /** The group it was first seen in, and when. */
  group: string;
  at: number;
  /** A different key a group showed for them since, refused (the group shows the change). */
  changedKey?: string;
}

/** A broadcast list (conversations/broadcasts.ts): local to this device, never sent to anyone. */
export interface StoredBroadcast {
  /** A random id; the list's conversation is `bc:<id>`. */
  id: string;
  name: string;
  /** Contacts' usernames, each once, in the order picked. */
  recipients: string[];
  /** When it was made (ms, this device's clock): the conversation list's order until a message is sent. */
  created: number;
  /** The latest message written in it, for the conversation list. */
  last?: LastMessage;
}

/** One message written in a broadcast: what the list's view shows, and the 1:1 copies it became. */
export interface StoredBroadcastSend {
  list: string;
  /** Local order (the messages' sequencer). */
  seq: number;
  id: string;
  ts: number;
  text: string;
  file?: Omit<FileMeta, 'fileId'>;
  /** One per recipient at the time: the 1:1 copy's message id, or why none was made (an error code). */
  copies: Array<{ peer: string; id?: string; error?: string }>;
}

export interface ParleyDB extends DBSchema {
  identity: { key: 'self'; value: StoredIdentity };
  contacts: { key: string; value: StoredContact };
  messages: { key: [ConversationId, Direction, string]; value: StoredMessage; indexes: { byConv: [ConversationId, number]; byQuote: [ConversationId, string] } };
  outbox: { key: string; value: OutboxEntry; indexes: { bySeq: number } };
  conversations: { key: ConversationId; value: ConversationRecord };
  pending: { key: [ConversationId, string, string]; value: PendingModifier; indexes: { byTarget: [ConversationId, string] } };
  forgotten: { key: [ConversationId, Direction, string]; value: ForgottenMessage; indexes: { byWhen: number } };
  settings: { key: string; value: unknown };
  transfers: { key: string; value: TransferRecord; indexes: { byPeer: string } };
  groups: { key: string; value: StoredGroup };
  keyPackages: { key: string; value: StoredKeyPackage };
  memberKeys: { key: string; value: StoredMemberKey };
  expiring: { key: [ConversationId, Direction, string]; value: ExpiringMessage; indexes: { byAt: number } };
  broadcasts: { key: string; value: StoredBroadcast };
  broadcastSends: { key: [string, number]; value: StoredBroadcastSend };
}

export type Database = IDBPDatabase<ParleyDB>;

export { DB_VERSION };

export function openDatabase(name = 'parley'): Promise<Database> {
  return openDB<ParleyDB>(name, DB_VERSION, {
    upgrade,
    // A newer version of the app opened in another tab needs this database upgraded: step aside
    // (close, and reload into the new version) instead of leaving that tab waiting.
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
      globalThis.location?.reload();
    },
  });
}

/** A strictly increasing local sequence (ms clock with a sub-ms counter), for display order. */
export function createSequencer(): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, Date.now() * 1000);
    return last;
  };
}
