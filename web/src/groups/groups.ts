/**
 * The browser's group service (issue 12; README.md in this folder): the groups this device is in,
 * their MLS state in IndexedDB, the server's group frames, and the UI's face (`list`, `view`,
 * `create`, `send`, event `groups`). The admin part (admin.ts) works through the GroupCore this
 * service hands it; joining and leaving (a Welcome, a removal) are membership.ts. Each group's
 * MLS state changes only in its serial line (group-store.ts); frame handlers only queue work
 * there, or settle what was asked (ask.ts), so a line waiting for the server's answer never holds
 * up the frame that brings it.
 */
import { type GroupEnv, createGroup, groupEnv, toBase64Url } from '../../../shared/groups/index';
import type { Identity } from '../../../shared/identity';
import type { ServerFrameOf } from '../../../shared/protocol';
import { GroupSettings } from '../../../shared/protocol-groups';
import type { Sodium } from '../../../shared/sodium';
import type { FileOffer } from '../../../shared/envelope';
import type { ScheduledSends } from '../conversations/scheduled';
import type { Messenger } from '../conversations/messenger';
import type { Account } from '../identity/account';
import type { Contacts } from '../identity/contacts';
import type { Connection } from '../net/connection';
import type { FrameRoutes } from '../net/frame-router';
import { ParleyError } from '../net/parley-error';
import type { Database, StoredGroup } from '../storage/db';
import { AckCoalescer } from './ack-coalescer';
import { GroupAdmin } from './admin';
import { Asks } from './ask';
import { withData } from './big-commits';
import type { GroupCore, GroupView, NewGroup } from './core';
import type { DisappearingMessages } from '../conversations/disappearing';
import { GroupChat } from './group-chat';
import { GroupLog } from './group-log';
import { GroupSender } from './group-send';
import { DEFAULT_SETTINGS, GroupStore, viewOf } from './group-store';
import { KeyPool } from './key-pool';
import { GroupMembership } from './membership';
import { MemberTrust } from './trust';
import { MentionedEvent } from './mentioned-event';

export interface GroupsDeps {
  db: Database;
  sodium: Sodium;
  account: Account;
  contacts: Contacts;
  connection: Pick<Connection, 'send'> & Partial<Pick<Connection, 'addEventListener' | 'online'>>;
  messenger: Messenger;
  /** Scheduled messages: a group's are encrypted and handed to the server by this service. */
  scheduled?: Pick<ScheduledSends, 'routeGroups' | 'reseal'>;
}

/** The group types this service answers `ask`s with (besides `error`). */
const ANSWERS = ['kp_claimed', 'group_created', 'group_results', 'group_requested', 'group_request', 'group_decided', 'group_committed', 'group_state', 'group_tree', 'group_commit_part'] as const;

/** Frames the admin part hears of (admin.onFrame), after any `ask` they answer. */
const ADMIN_NEWS: ReadonlySet<string> = new Set(['kp_claimed', 'group_results', 'group_requested', 'group_request', 'group_decided', 'group_state']);

export class Groups extends EventTarget {
  readonly admin: GroupAdmin;
  /** Messages and message actions in a group (group-chat.ts): send, react, edit, delete for everyone, members to @mention. */
  readonly chat: GroupChat;
  /** What the admin part works through (tests drive it directly too). */
  readonly core: GroupCore;
  /** Entries passed over (unreadable, forged sender): for tests and diagnostics. */
  readonly log: GroupLog;
  /**
   * The disappearing-messages settings (conversations/disappearing.ts, set by the composition
   * root): the card carries a group's, so a member added after its notice learns it.
   */
  timers: Pick<DisappearingMessages, 'setting' | 'adopt'> | undefined;
  readonly #store: GroupStore;
  readonly #asks: Asks;
  readonly #trust: MemberTrust;
  readonly #keys: KeyPool;
  readonly #sender: GroupSender;
  readonly #membership: GroupMembership;
  #env: GroupEnv | undefined;

  constructor(private readonly d: GroupsDeps) {
    super();
    // Acks wait a little to be coalesced, but never behind a later group frame (a leave must follow them).
    const acks = new AckCoalescer((group, upTo) => void d.connection.send({ t: 'group_ack', group, upTo }));
    const send = (frame: Parameters<Connection['send']>[0]) => {
      acks.flush();
      return d.connection.send(frame);
    };
    this.#store = new GroupStore(d.db, d.sodium);
    this.#asks = new Asks(send);
    this.#trust = new MemberTrust(d.db, d.sodium, d.contacts, () => this.#identity(), () => this.#changed(undefined));
    this.#keys = new KeyPool({ db: d.db, sodium: d.sodium, identity: () => this.#identity(), env: async () => this.#groupEnv(), send });
    const conv = (id: string) => `grp:${id}` as const;
    this.#sender = new GroupSender({ store: this.#store, messenger: d.messenger, asks: this.#asks, send, timer: (id) => this.timers?.setting(conv(id)) });
    const core: GroupCore = (this.core = {
      get me() {
        return d.account.identity!.username;
      },
      view: (id) => this.view(id),
      send,
      ask: (frame, answer, refs) => this.#asks.ask(frame, answer, refs),
      commit: (id, build) => this.#sender.commit(id, build),
      sendCard: (id) => this.#sender.card(id),
      patch: (id, change) => this.#patch(id, change),
    });
    this.admin = new GroupAdmin(core);
    this.#membership = new GroupMembership({
      store: this.#store,
      asks: this.#asks,
      keys: this.#keys,
      sodium: d.sodium,
      messenger: d.messenger,
      identity: () => this.#identity(),
      env: () => this.#groupEnv(),
      ack: (group, upTo) => acks.ack(group, upTo),
      changed: (id) => this.#changed(id),
      patch: (id, change) => this.#patch(id, change),
    });
    this.chat = new GroupChat({ store: this.#store, messenger: d.messenger, me: () => this.#identity().username });
    this.log = new GroupLog({
      store: this.#store,
      messenger: d.messenger,
      me: () => this.#identity().username,
      ack: (group, upTo) => acks.ack(group, upTo),
      applyEvent: (group, event, seq) => this.admin.applyEvent(group, event, seq),
      changed: (id) => this.#changed(id),
      view: (id) => this.view(id),
      timer: (id, setting) => this.timers?.adopt(conv(id), setting),
      edits: { read: (conv, id) => d.db.get('messages', [conv, 'in', id]), mentioned: (message) => this.dispatchEvent(new MentionedEvent(message)) },
    });
    d.messenger.routed.route('group', (entry) => this.#sender.route(entry));
    d.scheduled?.routeGroups((entry) => this.#sender.routeScheduled(entry));
    // A commit moved a group on: what this page holds scheduled there is sealed again at the new epoch.
    this.addEventListener('groups', (e) => {
      for (const id of this.#sender.heldBehind((e as CustomEvent<string | undefined>).detail ?? '')) void d.scheduled?.reseal(id);
    });
    // Member chats: a member who is not a contact is sealed to and read with the key pinned here.
    d.messenger.keys.useMemberKeys((user) => this.#trust.pinned(user));
    this.addEventListener('groups', () => d.messenger.keys.changed());
    // Nothing asked on a connection that dropped will be answered on it.
    d.connection.addEventListener?.('status', () => {
      if (d.connection.online === false) this.#asks.dropAll();
    });
  }

  /** Reads the groups, their MLS states, and the first-seen keys; call once, before attach(). */
  async load(): Promise<void> {
    this.#env ??= await groupEnv((user, key) => this.#trust.authenticate(user, key));
    await Promise.all([this.#trust.load(), this.#keys.prune()]);
    await this.#store.load(this.#groupEnv(), this.d.account.identity);
  }

  attach(frames: FrameRoutes): void {
    frames.on('welcome', () => this.#keys.onWelcome());
    frames.on('kp_count', (f) => this.#keys.onCount(f.count));
    for (const t of ANSWERS) {
      frames.on(t, (f) => {
        this.#asks.offer(f);
        if (ADMIN_NEWS.has(t)) return this.admin.onFrame(f);
      });
    }
    frames.on('group_sent', (f) => {
      this.#asks.offer(f);
      return this.#sender.sent(f);
    });
    frames.on('group_log', (f) => this.#queue(f.group, 'log entry', () => this.#entry(f)));
    frames.on('group_welcome', (f) => this.#queue(f.group, 'Welcome', () => this.#membership.welcome(f)));
    frames.on('group_removed', (f) => {
      this.#asks.offer(f); // the answer to this device's own leave or delete (admin-answers.ts)
      this.#queue(f.group, 'removal', () => this.#membership.removed(f));
    });
    frames.on('group_list', async (f) => {
      await this.#membership.listed(f);
      await this.admin.onFrame(f);
    });
    frames.on('error', async (f) => {
      this.#asks.offer(f);
      if (f.ref?.startsWith('kp:')) this.#keys.onRefused();
      if (await this.#sender.refused(f)) return;
      // The server no longer has this device in a group it holds (deleted, or removed while away).
      const held = f.ref ? this.#store.get(f.ref) : undefined;
      if (held && !held.record.removed && (f.code === 'unknown_group' || f.code === 'not_member')) {
        const reason = f.code === 'unknown_group' ? 'deleted' : 'removed';
        this.#queue(f.ref!, 'refusal', () => this.#membership.removed({ t: 'group_removed', group: f.ref!, reason }));
      }
    });
  }

  /** Every group this device is or was in. */
  list(): GroupView[] {
    return this.#store
      .all()
      .map((h) => viewOf(h.record))
      .sort((a, b) => b.joinedAt - a.joinedAt);
  }

  view(id: string): GroupView | undefined {
    const held = this.#store.get(id);
    return held ? viewOf(held.record) : undefined;
  }

  /** A new group owned by this user, on the server and here; its id. */
  async create(g: NewGroup): Promise<string> {
    const identity = this.#identity();
    const name = g.name.trim();
    const topic = g.topic?.trim() ?? '';
    const joinPolicy = g.joinPolicy ?? 'approval';
    const settings = { ...DEFAULT_SETTINGS, listed: g.listed, name, topic, joinPolicy };
    if (!GroupSettings.safeParse(settings).success || (g.listed && !name)) throw new ParleyError('bad_frame');
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = toBase64Url(bytes);
    return this.#store.run(id, async () => {
      const group = await createGroup(this.#groupEnv(), this.d.sodium, identity, bytes, { owner: identity.username, admins: [] });
      try {
        // The server learns the name and topic of a listed group only.
        await this.#asks.ask(
          { t: 'group_create', group: id, listed: g.listed, ...(g.listed ? { name, ...(topic ? { topic } : {}) } : {}), joinPolicy },
          (f): f is ServerFrameOf<'group_created'> => f.t === 'group_created' && f.group === id,
          [id],
        );
      } catch (err) {
        this.#store.unfill(id);
        throw err;
      }
      const record: StoredGroup = { id, name, ...(topic ? { topic } : {}), role: 'owner', settings, joinedAt: Date.now(), seq: 0 };
      await this.#store.save(this.#store.fill(id, record, group));
      this.#changed(id);
      return id;
    });
  }

  /**
   * Stores `text` (a reply to `reply` when given) as this device's message in group `id` and sends
   * it, now or when online. Throws before storing only when the group is unknown or left.
   */
  send(id: string, text: string, reply?: { id: string; author: string; text: string }): Promise<void> {
    return this.chat.send(id, text, reply);
  }

  /** True when a group showed `user` with another key than the one trusted for them (MLS refused it). */
  keyChanged(user: string): boolean {
    return this.#trust.conflicts.has(user);
  }

  get keyChanges(): number {
    return this.#trust.conflicts.size;
  }

  /** Posts a file whose sealed copy the server keeps for the group already (files/group-sends.ts). */
  sendFile(id: string, offer: FileOffer): Promise<void> {
    return this.chat.sendFile(id, offer);
  }

  /** Runs `job` in group `id`'s line; a failure is logged (the frame's handling goes on). */
  #queue(id: string, what: string, job: () => Promise<void>): void {
    this.#store.run(id, job).catch((err) => console.error(`parley: could not handle a group ${what} of ${id}`, err));
  }

  async #entry(f: ServerFrameOf<'group_log'>): Promise<void> {
    const held = this.#store.get(f.group);
    if (!held) return this.#store.unfill(f.group);
    // A commit over a frame came announced: its parts first, here in the line (big-commits.ts).
    await this.log.entry(held, f.seq > held.record.seq ? await withData(this.#asks, f) : f);
  }

  async #patch(id: string, change: Partial<Omit<GroupView, 'id' | 'conv'>>): Promise<void> {
    const held = this.#store.get(id);
    if (!held) return;
    const r = held.record;
    const { name, topic, role, settings, members, removed, joinedAt } = change;
    if (name !== undefined) r.name = name;
    if ('topic' in change) {
      if (topic) r.topic = topic;
      else delete r.topic;
    }
    if (role !== undefined) r.role = role;
    if (settings !== undefined) r.settings = { ...settings };
    if (members !== undefined) r.members = members.map((m) => ({ ...m }));
    if (removed !== undefined) r.removed = removed;
    if (joinedAt !== undefined) r.joinedAt = joinedAt;
    await this.#store.save(held);
    this.#changed(id);
  }

  #changed(id?: string): void {
    this.dispatchEvent(new CustomEvent('groups', { detail: id }));
  }

  #identity(): Identity {
    const identity = this.d.account.identity;
    if (!identity) throw new Error('no identity on this device');
    return identity;
  }

  #groupEnv(): GroupEnv {
    if (!this.#env) throw new Error('Groups.load() first');
    return this.#env;
  }
}
