/**
 * Builds the browser's services and wires them together. The app root creates one instance and
 * hands it down with @lit/context; nothing here is global.
 */
import { Announcements } from '../net/announcements';
import { type Sodium, loadSodium } from '../../../shared/sodium';
import { Account } from '../identity/account';
import { AuthErrorEvent, Connection, FrameEvent } from '../net/connection';
import { FrameRouter } from '../net/frame-router';
import { Contacts } from '../identity/contacts';
import { type Database, createSequencer, openDatabase } from '../storage/db';
import { Links } from '../peer/links';
import type { ChunkEvent, FileControlEvent, PathEvent } from '../peer/peer-link';
import { type ChunkStore, OpfsChunkStore } from '../files/chunk-store';
import { chooseChunkStore } from '../files/idb-chunk-store';
import { Transfers } from '../files/transfers';
import { type ArrivedEvent, Messenger } from '../conversations/messenger';
import { Broadcasts } from '../conversations/broadcasts';
import { Groups } from '../groups/groups';
import type { SearchHit } from '../conversations/search';
import { SearchIndex } from '../conversations/search-index';
import type { ConversationEvent } from '../conversations/messenger';
import { Preferences } from '../conversations/preferences';
import { Profiles } from '../conversations/profiles';
import { Receipts } from '../conversations/receipts';
import { DisappearingMessages } from '../conversations/disappearing';
import { TransientSeal } from '../conversations/transient';
import { Typing } from '../conversations/typing';
import { ScheduledSends } from '../conversations/scheduled';
import { Sealer } from '../conversations/sealer';
import type { TransientEvent } from '../peer/peer-link';
import { PARTS_DB } from '../files/idb-chunk-store';
import { wipeLocalData } from '../storage/wipe';
import { Notifier } from './notifier';
import type { MentionedEvent } from '../groups/mentioned-event';
import { GroupTyping } from '../groups/group-typing';
import { GroupReceipts } from '../groups/group-receipts';
import { restoreBackup } from './restore';
import type { Services } from '../components/context';
import { convGroup } from '../components/group-ids';
import type { ConversationId } from '../conversations/conversation-id';

const RELAY_ONLY = 'relayOnly';

export class AppServices extends EventTarget implements Services {
  readonly connection: Connection;
  readonly contacts: Contacts;
  readonly links: Links;
  readonly messenger: Messenger;
  readonly transfers: Transfers;
  readonly broadcasts: Broadcasts;
  readonly groups: Groups;
  /** The messages' text, for searching again without reading the whole store again. */
  readonly #search: SearchIndex;
  readonly preferences: Preferences;
  readonly receipts: Receipts;
  readonly disappearing: DisappearingMessages;
  readonly typing: Typing;
  readonly groupTyping: GroupTyping;
  readonly groupReceipts: GroupReceipts;
  readonly profiles: Profiles;
  readonly announcements: Announcements;
  readonly scheduled: ScheduledSends;
  readonly #notifier: Notifier;
  /** Server frames (and direct-path envelopes) are handled one at a time, in arrival order. */
  readonly #frames = new FrameRouter();

  private constructor(
    readonly db: Database,
    readonly sodium: Sodium,
    readonly account: Account,
    settings: { relayOnly: boolean },
    chunkStore: ChunkStore,
  ) {
    super();
    this.connection = new Connection((nonce) => this.account.answer(nonce));
    this.contacts = new Contacts(db, this.connection);
    const directory = {
      me: () => account.identity,
      isContact: (username: string) => this.contacts.get(username) !== undefined,
      trustedKey: (username: string) => this.contacts.trusted(username)?.identityKey,
      // Member chats: typing from a group member who is not a contact (conversations/peer-keys.ts).
      isMemberChat: (username: string) => this.messenger.keys.isMemberChat(username),
    };
    this.links = new Links(this.connection, directory, sodium, settings);
    this.messenger = new Messenger(db, sodium, account, this.contacts, this.connection, this.links);
    const sealer = new Sealer(sodium, account, this.messenger.keys, createSequencer());
    this.scheduled = new ScheduledSends({ messenger: this.messenger, sealer, me: () => account.identity!.username, send: (f) => this.connection.send(f), online: () => this.connection.online });
    this.groups = new Groups({ db, sodium, account, contacts: this.contacts, connection: this.connection, messenger: this.messenger, scheduled: this.scheduled });
    this.transfers = new Transfers(db, sodium, this.connection, this.contacts, this.links, this.messenger, chunkStore);
    this.transfers.postInGroup = (group, offer) => this.groups.sendFile(group, offer);
    this.transfers.holdInGroup = (group, offer) => this.groups.chat.holdFile(group, offer);
    // Each recipient's copy is an ordinary 1:1 send: text through the Messenger, files through the transfer layer.
    this.broadcasts = new Broadcasts({
      db,
      contacts: this.contacts,
      sendText: (peer, text) => this.messenger.send(peer, text),
      sendFile: async (peer, file) => (await this.transfers.send(peer, [file]))[0],
      history: this.messenger.history,
    });
    this.#search = new SearchIndex(db);
    this.messenger.addEventListener('conversation', (e) => {
      const { conv, message, removed } = e as ConversationEvent;
      this.#search.changed(conv, message, removed);
    });
    this.preferences = new Preferences(db);
    this.groupReceipts = new GroupReceipts({ send: (f) => this.connection.send(f), preferences: this.preferences });
    this.disappearing = new DisappearingMessages({
      db,
      messenger: this.messenger,
      me: () => account.identity!.username,
      groupNotice: (group, body) => this.groups.chat.sendNotice(group, body),
    });
    this.messenger.stamp = this.disappearing.stamp;
    this.scheduled.went = this.disappearing.went;
    this.groups.timers = this.disappearing;
    this.messenger.addEventListener('arrived', (e) => this.disappearing.arrived((e as ArrivedEvent).message));
    this.receipts = new Receipts({
      db,
      sendJob: (peer, kind, body) => this.messenger.sendJob(peer, kind, body),
      sendReceipts: () => this.preferences.sendReadReceipts,
      groupSeen: (messages) => this.groupReceipts.seen(messages),
      read: this.disappearing.read,
    });
    this.typing = new Typing({ seal: new TransientSeal(sodium, account, this.messenger.keys), send: (peer, id, env) => this.links.sendTransient(peer, id, env), preferences: this.preferences });
    this.groupTyping = new GroupTyping({ send: (f) => this.connection.send(f), preferences: this.preferences, me: () => account.identity!.username });
    this.profiles = new Profiles(db, this.contacts, this.messenger);
    this.announcements = new Announcements((f) => this.connection.send(f));
    const groupName = (conv: ConversationId) => {
      const group = convGroup(conv);
      return group === undefined ? undefined : this.groups.view(group)?.name;
    };
    const open = (conv: ConversationId) => this.dispatchEvent(new CustomEvent('open-conversation', { detail: conv }));
    const me = () => this.account.identity?.username;
    this.#notifier = new Notifier({ messenger: this.messenger, contacts: this.contacts, preferences: this.preferences, groupName, open, me });
    this.groups.addEventListener('mentioned', (e) => this.#notifier.mentionedByEdit((e as MentionedEvent).message));
    this.#wirePresence();
    // Each frame reaches the services that asked for its type, in this order (the account first:
    // a welcome means the registration was accepted), one frame at a time.
    this.#frames.on('welcome', () => this.account.markRegistered());
    this.contacts.attach(this.#frames);
    this.links.attach(this.#frames);
    this.messenger.attach(this.#frames);
    this.scheduled.attach(this.#frames);
    // The group frames; the service hands its admin part the ones it needs (groups/README.md).
    this.groups.attach(this.#frames);
    this.transfers.attach(this.#frames);
    this.profiles.attach(this.#frames);
    this.#frames.on('group_typing', (f) => this.groupTyping.received(f.group, f.from));
    this.#frames.on('group_receipts', (f) => this.groupReceipts.offer(f));
    this.#frames.on('error', (f) => this.groupReceipts.offer(f));
    this.#frames.on('group_log', (f) => {
      if (f.kind === 'message') this.groupTyping.arrived(f.group, f.from);
    });
    this.#notifier.attach(this.#frames);
    this.announcements.attach(this.#frames);
    this.connection.addEventListener('frame', (e) => this.#frames.route((e as FrameEvent).frame));
    // Chunks skip the frame pipeline: each transfer orders its own storage, and a file must not
    // hold up messages (or the other way round).
    this.links.addEventListener('chunk', (e) => {
      const { peer, bytes } = e as ChunkEvent;
      this.transfers.onChunk(peer, bytes);
    });
    this.links.addEventListener('file-control', (e) => {
      const { peer, ctl } = e as FileControlEvent;
      this.transfers.onControl(peer, ctl);
    });
    // Chunks in flight on the old path may be lost: both ends pick up from what the receiver has taken.
    this.links.addEventListener('path', (e) => this.transfers.resume((e as PathEvent).peer));
    this.connection.addEventListener('status', () => {
      if (!this.connection.online) this.contacts.markAllOffline();
    });
  }

  static async create(): Promise<AppServices> {
    const [db, sodium, chunkStore] = await Promise.all([openDatabase(), loadSodium(), chooseChunkStore(() => new OpfsChunkStore())]);
    // The relay-only choice is read before anything could open a peer connection.
    const relayOnly = (await db.get('settings', RELAY_ONLY)) === true;
    const services = new AppServices(db, sodium, await Account.load(db, sodium), { relayOnly }, chunkStore);
    await Promise.all([services.contacts.load(), services.messenger.load(), services.transfers.load(), services.preferences.load(), services.profiles.load(), services.groups.load(), services.disappearing.load(), services.broadcasts.load()]);
    services.transfers.sweep().catch((err) => console.warn('parley: could not look for stored files no transfer owns', err));
    return services;
  }

  /** Typing signals from either path, a typing body sent as an envelope, and a message that ends one. */
  #wirePresence(): void {
    this.links.addEventListener('transient', (e) => {
      const { peer, id, env } = e as TransientEvent;
      void this.typing.receive(peer, id, env);
    });
    this.messenger.onControl('typing', (from, body) => this.typing.show(from, body));
    this.messenger.addEventListener('arrived', (e) => this.typing.clear((e as ArrivedEvent).message.peer));
  }

  /**
   * "Sign out of this browser": disconnects, then deletes everything this browser keeps (every
   * IndexedDB database, every OPFS file) and reloads to sign-up. The account lives on only in a
   * backup (the settings dialog says so before asking).
   */
  async signOut(): Promise<void> {
    await this.#wipe();
    location.reload();
  }

  async #wipe(): Promise<void> {
    await this.receipts.flush().catch(() => undefined);
    this.stop();
    this.db.close();
    await wipeLocalData([PARTS_DB]);
  }

  get relayOnly(): boolean {
    return this.links.relayOnly;
  }

  async setRelayOnly(on: boolean): Promise<void> {
    this.links.setRelayOnly(on);
    await this.db.put('settings', on, RELAY_ONLY);
    this.dispatchEvent(new Event('settings'));
  }

  /** True once this device holds an identity the server has accepted. */
  get signedIn(): boolean {
    return this.account.registered;
  }

  /** Connects with the identity on this device. */
  start(): void {
    this.#notifier.start();
    this.messenger.start();
    this.scheduled.start().catch((err) => console.warn('parley: could not read the scheduled messages', err));
    void this.disappearing.start();
    this.connection.start();
  }

  /**
   * Creates an account: resolves once the server accepted the name, rejects with the server's
   * error (taken, invalid) after discarding the unused keys.
   */
  async register(username: string): Promise<void> {
    await this.account.create(username);
    await new Promise<void>((resolve, reject) => {
      const onStatus = () => {
        if (this.connection.status !== 'online') return;
        cleanup();
        resolve();
      };
      const onError = (e: Event) => {
        cleanup();
        reject((e as AuthErrorEvent).error);
      };
      const cleanup = () => {
        this.connection.removeEventListener('status', onStatus);
        this.connection.removeEventListener('auth-error', onError);
      };
      this.connection.addEventListener('status', onStatus);
      this.connection.addEventListener('auth-error', onError);
      this.start();
    }).catch(async (err) => {
      this.stop();
      await this.account.discard();
      throw err;
    });
    await this.account.markRegistered();
    this.dispatchEvent(new Event('signed-in'));
  }

  /** Restores the account in a backup file (see app/restore.ts) and connects with it. */
  restore(fileText: string, passphrase: string): Promise<'restored' | 'same'> {
    const signedIn = () => {
      this.start();
      this.dispatchEvent(new Event('signed-in'));
    };
    return restoreBackup({ account: this.account, profiles: this.profiles, signedIn, wipe: () => this.#wipe(), reload: () => location.reload() }, fileText, passphrase);
  }

  warmSearch(): void {
    this.#search.warm().catch((err) => console.warn('parley: could not read messages for search', err));
  }

  searchVersion(): number {
    return this.#search.version;
  }

  searchMessages(query: string, options: { signal?: AbortSignal }): Promise<SearchHit[]> {
    return this.#search.search(query, options);
  }

  stop(): void {
    this.#notifier.stop();
    this.typing.stop();
    this.messenger.stop();
    this.scheduled.stop();
    this.disappearing.stop();
    this.connection.stop();
    this.links.closeAll();
  }
}
