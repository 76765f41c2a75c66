/**
 * A group's log as it reaches this device (`group_log`, in seq order, in the group's line): a
 * commit is processed (unless it is this device's own, which it adopted when the server accepted
 * it), a message is decrypted, its MLS sender checked against the server's `from`, its plaintext
 * read (group-body.ts) and stored through the conversations seam, an event goes to the admin
 * part. Only then are the state and the seq saved, and the entry acknowledged. An entry that
 * cannot be read (MLS refuses it, it was forged) is passed over, never retried: nothing a member
 * sends may stop the group. A storage failure is not passed over: the entry comes again.
 */
import {
  type GroupEvent as MlsEvent,
  epochOf,
  fromBase64Url,
  inspectCommit,
  isGroupError,
  isOwnCommit,
  members,
  processMessage,
  roleIn,
} from '../../../shared/groups/index';
import type { ServerFrameOf } from '../../../shared/protocol';
import type { GroupEvent } from '../../../shared/protocol-groups';
import type { TimerSetting } from '../conversations/disappearing';
import type { Messenger } from '../conversations/messenger';
import type { GroupView } from './core';
import { type GroupPlain, decodePlain } from './group-body';
import type { GroupStore, Held } from './group-store';
import { acceptedMentions } from './mentions';
import { EditMentions, type EditMentionDeps } from './edit-mentions';

type LogFrame = ServerFrameOf<'group_log'>;

const MAX_NOTED = 100;

export interface LogDeps {
  store: GroupStore;
  messenger: Messenger;
  me: () => string;
  ack: (group: string, upTo: number) => void;
  /** The admin part's hook for server-state events (mute, role, settings, ban, left…): called in order, not awaited. */
  applyEvent: (group: GroupView, event: GroupEvent, seq: number) => void | Promise<void>;
  /** The view of group `id` changed. */
  changed: (id: string) => void;
  view: (id: string) => GroupView | undefined;
  /** A card from an owner or admin carried the group's disappearing-messages setting (group-body.ts). */
  timer?: (id: string, setting: TimerSetting) => void;
  /** An edit that newly @mentions this user (edit-mentions.ts): how to read its target, whom to tell. */
  edits?: Omit<EditMentionDeps, 'me'>;
}

/** Why an entry was passed over (for logs and tests): never shown to the user. */
export type Skipped = 'old' | 'unreadable' | 'not_sender' | 'own_lost' | 'relabelled' | 'not_admin';

export class GroupLog {
  /** Entries passed over, by group: what a test (or a later "something was not readable" notice) looks at. */
  readonly skipped: Array<{ group: string; seq: number; why: Skipped }> = [];

  readonly #edits: EditMentions | undefined;

  constructor(private readonly d: LogDeps) {
    this.#edits = d.edits && new EditMentions({ ...d.edits, me: d.me });
  }

  /** One log entry, in its group's line. */
  async entry(held: Held, f: LogFrame): Promise<void> {
    const { record } = held;
    if (f.seq <= record.seq) return this.d.ack(f.group, record.seq); // read before (a resend after a reload)
    if (record.removed || !held.group) return;
    let consumed: Uint8Array[] = [];
    try {
      if (f.kind === 'commit') consumed = await this.#commit(held, f);
      else if (f.kind === 'message') consumed = await this.#message(held, f);
      else if (f.event) this.#event(f, f.event);
    } catch (err) {
      if (!isGroupError(err)) throw err;
      this.#skip(f, 'unreadable', err);
    }
    record.seq = f.seq;
    await this.d.store.save(held, consumed);
    this.d.ack(f.group, f.seq);
  }

  /**
   * Hands a server-state event to the admin part, in order, without waiting for it: what it
   * starts in this group's line (a commit of a Remove after `left`) queues behind this entry
   * instead of waiting for it, and a fault of its own cannot stop the log.
   */
  #event(f: LogFrame, event: GroupEvent): void {
    const view = this.d.view(f.group);
    if (!view) return;
    try {
      void Promise.resolve(this.d.applyEvent(view, event, f.seq)).catch((err) => console.error(`parley: the admin part failed on event ${f.seq} of ${f.group}`, err));
    } catch (err) {
      console.error(`parley: the admin part failed on event ${f.seq} of ${f.group}`, err);
    }
  }

  async #commit(held: Held, f: LogFrame): Promise<Uint8Array[]> {
    const group = held.group!;
    const bytes = fromBase64Url(f.data ?? '');
    if (f.from === this.d.me()) {
      // The answer to this device's commit was lost, but the server took it: adopt it now.
      if (held.pendingCommit && isOwnCommit(group, bytes)) {
        const done = held.pendingCommit;
        held.pendingCommit = undefined;
        held.group = done.group;
        return done.consumed;
      }
      if (isOwnCommit(group, bytes)) this.#skip(f, 'own_lost');
      return []; // adopted when the server answered
    }
    const info = await inspectCommit(bytes);
    // The commit that added this device, or one it already has: the state is past it.
    if (info.epoch < epochOf(group)) {
      this.#note(f, 'old');
      return [];
    }
    const out = await processMessage(group, bytes, 'commit');
    held.group = out.group;
    // Another member's commit took the epoch: a commit of this device still unanswered lost it.
    held.pendingCommit = undefined;
    if (out.event.kind === 'commit') this.#applyCommit(held, out.event);
    return out.consumed;
  }

  /** What a processed commit changes in the view: who is in, this device's role, or that it is out. */
  #applyCommit(held: Held, event: Extract<MlsEvent, { kind: 'commit' }>): void {
    const { record } = held;
    if (event.removedSelf) {
      record.removed = 'removed';
      delete record.state;
      held.group = undefined;
    } else {
      const me = this.d.me();
      const role = roleIn(held.group!, me);
      if (event.roles) record.role = role;
      if (record.members) {
        const inGroup = new Set(members(held.group!).map((m) => m.username));
        const kept = record.members.filter((m) => inGroup.has(m.user));
        for (const user of event.adds) if (!kept.some((m) => m.user === user)) kept.push({ user, role: 'member' });
        record.members = kept;
      }
    }
    this.d.changed(record.id);
  }

  async #message(held: Held, f: LogFrame): Promise<Uint8Array[]> {
    const conv = `grp:${f.group}` as const;
    if (f.from === this.d.me()) {
      // This device's own message came back in the log: every member has it in order now.
      if (f.id) await this.d.messenger.routed.settle(conv, f.id, 'delivered');
      return [];
    }
    // As a message only: a commit in a message entry never moves the epoch (review H4).
    const out = await processMessage(held.group!, fromBase64Url(f.data ?? ''), 'message');
    held.group = out.group;
    const event = out.event;
    if (event.kind !== 'message') return out.consumed;
    if (event.sender !== f.from) {
      this.#skip(f, 'not_sender');
      return out.consumed;
    }
    const plain = decodePlain(event.data);
    // The id sealed inside must be the one the log names (the server could otherwise relabel it).
    if (plain.id !== undefined && plain.id !== f.id) {
      this.#skip(f, 'relabelled');
      return out.consumed;
    }
    if (plain.kind === 'card') {
      // The group's name and topic: only an owner or admin (as MLS's roles say) may set them.
      if (roleIn(held.group!, event.sender) !== 'member') {
        held.record.name = plain.card.name;
        if (plain.card.topic) held.record.topic = plain.card.topic;
        else delete held.record.topic;
        if (plain.card.timer) this.d.timer?.(f.group, plain.card.timer);
        this.d.changed(f.group);
      }
      return out.consumed;
    }
    // The server cannot see a timer notice, so members enforce who may set it: only an owner or
    // admin in this epoch's MLS roles. Any other's is neither applied nor shown.
    if (plain.body.kind === 'disappearing' && roleIn(held.group!, event.sender) === 'member') {
      this.#skip(f, 'not_admin');
      return out.consumed;
    }
    // A message stored before the state that read it: a reload in between reads it again, and the id makes it once.
    const mentions = this.#mentions(held, plain);
    const edit = plain.body.kind === 'edit' ? plain.body : undefined;
    const watch = edit && (await this.#edits?.before(conv, f.from, edit));
    await this.d.messenger.receiveOpened({ conv, from: f.from, id: f.id ?? `seq-${f.seq}`, body: plain.body, ts: plain.ts, ...(mentions.length ? { mentions } : {}) });
    if (edit && watch) await this.#edits!.after(watch, edit, plain.ts, new Set(members(held.group!).map((m) => m.username)));
    return out.consumed;
  }

  /** The @mentions of a text or reply that count: current members (in this epoch) whom its text names. */
  #mentions(held: Held, plain: Extract<GroupPlain, { kind: 'body' }>): string[] {
    const body = plain.body;
    if ((body.kind !== 'text' && body.kind !== 'reply') || !('mentions' in body)) return [];
    const current = new Set(members(held.group!).map((m) => m.username));
    return acceptedMentions(body.mentions as string[] | undefined, body.text, current);
  }

  #note(f: LogFrame, why: Skipped): void {
    this.skipped.push({ group: f.group, seq: f.seq, why });
    if (this.skipped.length > MAX_NOTED) this.skipped.shift();
  }

  #skip(f: LogFrame, why: Skipped, err?: unknown): void {
    this.#note(f, why);
    console.warn(`parley: passed over entry ${f.seq} of group ${f.group} (${why})`, err ?? '');
  }
}
