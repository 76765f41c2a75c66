/**
 * What a member writes in a group beyond creating it (issue 12, item 4): text and replies with
 * their @mentions, and the 1:1 message actions on group messages (react, edit, delete for
 * everyone; delete for me is local and needs nothing here). Each goes through the messenger's
 * routed path as an outbox job of kind `group` (its plaintext encrypted at each (re)send by
 * group-send.ts), so it is durable and ordered like a text. The receiver applies a modifier with
 * the body modules' rules, `from` being the MLS sender: only the target's author edits or deletes.
 */
import { type Disappearing, type FileOffer, MAX_QUOTE_CHARS } from '../../../shared/envelope';
import { members, roleIn } from '../../../shared/groups/index';
import { LIMITS } from '../../../shared/limits';
import { clip } from '../conversations/bodies/reply';
import type { ModifierRoute } from '../conversations/actions';
import type { HeldOffer, Messenger } from '../conversations/messenger';
import { ParleyError } from '../net/parley-error';
import type { Direction, StoredMessage } from '../storage/db';
import { type GroupBody, encodeBody } from './group-body';
import type { GroupStore, Held } from './group-store';
import { mentionedIn } from './mentions';

export interface ChatDeps {
  store: GroupStore;
  messenger: Messenger;
  me: () => string;
}

/** Which messages of a group's conversation a chat action may take: the group must still have this device. */
export class GroupChat {
  constructor(private readonly d: ChatDeps) {}

  /** The usernames of the group's current members (its MLS state), this user included; empty once out. */
  memberNames(id: string): string[] {
    const group = this.d.store.get(id)?.group;
    return group ? members(group).map((m) => m.username) : [];
  }

  /** The signature key (the identity key) `user` has in group `id`'s MLS state, or undefined: what a member's safety number is of. */
  memberKey(id: string, user: string): Uint8Array | undefined {
    const group = this.d.store.get(id)?.group;
    return group ? members(group).find((m) => m.username === user)?.signatureKey : undefined;
  }

  /**
   * Stores `text` (a reply to `reply` when given) as this device's message in group `id` and sends
   * it, now or when online, naming the members it @mentions. Throws before storing only when the
   * group is unknown or left.
   */
  async send(id: string, text: string, reply?: { id: string; author: string; text: string }): Promise<void> {
    const out = this.compose(id, text, reply);
    if (out) await this.d.messenger.sendRouted(`grp:${id}`, id, 'group', out.body, out.encode, out.named);
  }

  /**
   * What send() records and seals for `text` in group `id` (undefined for nothing to send): the
   * body, the members it @mentions, and its plaintext; `scheduledFor` set for a scheduled one
   * (conversations/scheduled.ts holds it, the group's route encrypts it).
   */
  compose(id: string, text: string, reply?: { id: string; author: string; text: string }, scheduledFor?: number) {
    const held = this.#active(id);
    const trimmed = text.trim();
    if (!trimmed) return undefined;
    if (trimmed.length > LIMITS.maxTextChars) throw new ParleyError('too_long');
    const others = new Set(members(held.group!).map((m) => m.username));
    others.delete(this.d.me());
    const mentions = mentionedIn(trimmed, others);
    const named = mentions.length ? { mentions } : {};
    const when = scheduledFor === undefined ? {} : { scheduledFor };
    const body: GroupBody = reply
      ? { kind: 'reply', text: trimmed, quote: { id: reply.id, author: reply.author, text: clip(reply.text, MAX_QUOTE_CHARS) }, ...named, ...when }
      : { kind: 'text', text: trimmed, ...named, ...when };
    // A scheduled one reads as written at its time.
    return { body, named, encode: (m: StoredMessage) => encodeBody(body, scheduledFor ?? m.ts, m.id) };
  }

  /** Posts a file whose sealed copy the server keeps for the group already (files/group-sends.ts): its offer, key included, goes in MLS. */
  async sendFile(id: string, offer: FileOffer): Promise<void> {
    this.#active(id);
    const body: GroupBody = { ...offer, stored: true };
    await this.d.messenger.sendRouted(`grp:${id}`, id, 'group', body, (m) => encodeBody(body, m.ts, m.id));
  }

  /**
   * Shows a file being posted in group `id` at once (its bubble, "sending"), posting its offer only
   * on release(), once the server stored the copy (files/group-sends.ts); fail() if it never is.
   */
  async holdFile(id: string, offer: FileOffer): Promise<HeldOffer> {
    this.#active(id);
    const body: GroupBody = { ...offer, stored: true };
    return this.d.messenger.offers.holdRouted(`grp:${id}`, id, 'group', body, (m) => encodeBody(body, m.ts, m.id));
  }

  /**
   * Sends the group's disappearing-messages timer (conversations/disappearing.ts sets it here):
   * only an owner or admin in the group's MLS roles may, as every member's device checks
   * (group-log.ts); anyone else is refused `not_admin` before anything is stored.
   */
  async sendNotice(id: string, body: Disappearing): Promise<StoredMessage> {
    const held = this.#active(id);
    if (roleIn(held.group!, this.d.me()) === 'member') throw new ParleyError('not_admin');
    return this.d.messenger.sendRouted(`grp:${id}`, id, 'group', body, (m) => encodeBody(body, m.ts, m.id));
  }

  /** Reacts to message `target` (written `dir`) of group `id` with `emoji`, or takes it back (`remove`). */
  async react(id: string, target: string, emoji: string, remove = false, dir?: Direction): Promise<void> {
    return this.d.messenger.actions.react(`grp:${id}`, target, emoji, remove, dir, this.#route(id));
  }

  /** Changes the text of this user's own message `target` in group `id`. */
  async edit(id: string, target: string, text: string): Promise<void> {
    return this.d.messenger.actions.edit(`grp:${id}`, target, text, this.#route(id));
  }

  /** Deletes this user's own message `target` of group `id` for every member. */
  async deleteForEveryone(id: string, target: string): Promise<void> {
    return this.d.messenger.actions.deleteForEveryone(`grp:${id}`, target, this.#route(id));
  }

  /** The route of a modifier in group `id`: sealed as the group's plaintext, sent by the group service. */
  #route(id: string): ModifierRoute {
    this.#active(id);
    return { to: id, kind: 'group', env: (mid, ts, body) => encodeBody(body, ts, mid) };
  }

  #active(id: string): Held {
    const held = this.d.store.get(id);
    if (!held) throw new ParleyError('unknown_group');
    if (held.record.removed || !held.group) throw new ParleyError('not_member');
    return held;
  }
}
