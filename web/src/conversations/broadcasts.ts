/**
 * Broadcast lists (issue 13 item 4, as WhatsApp's): a named list of contacts kept on this device
 * only. A message written in one is sent to each recipient as an ordinary 1:1 message, sealed
 * separately for each through the Messenger's own send, so a recipient sees a plain message from
 * the sender in their 1:1 chat and never learns of the list or the other recipients; replies come
 * back in the 1:1 chats, since they are 1:1 messages. The sender's 1:1 chats show the copies too.
 *
 * The list keeps its own entry per message (StoredBroadcastSend) that names each copy by its
 * message id, and nothing else: each copy's state (sent, delivered, read, failed) is the 1:1
 * message's own, read from there (broadcast-tally.ts), so there is one truth per copy.
 *
 * Why a store of its own (`broadcasts`, `broadcastSends`) and not the `messages` store under a
 * `bc:` conversation: a broadcast entry is no message (nothing seals or receives it, search and
 * the 1:1 machinery must not find it twice), and deleting a list deletes its entries in one range.
 *
 * Only contacts are recipients; one who is no longer a contact, or blocked, or whose key changed,
 * gets no copy, and the entry says why (an error code), so the failure shows. Copies are paced
 * (broadcast-limits.ts) so a long message to 256 contacts stays under the server's per-connection rates.
 */
import { LIMITS } from '../../../shared/limits';
import type { Contacts } from '../identity/contacts';
import { ParleyError } from '../net/parley-error';
import { type Database, type StoredBroadcast, type StoredBroadcastSend, type StoredMessage, createSequencer } from '../storage/db';
import { BROADCAST_LIMITS } from './broadcast-limits';
import { dmId } from './conversation-id';
import type { History } from './history';
import { Pacer } from './pacer';

/** Something about list `list` changed: the list itself (made, renamed, deleted) or a message sent in it. */
export class BroadcastEvent extends Event {
  constructor(readonly list: string) {
    super('change');
  }
}

export interface BroadcastDeps {
  db: Database;
  contacts: Pick<Contacts, 'get' | 'isBlocked'>;
  /** The Messenger's 1:1 send: the copy it recorded. */
  sendText: (peer: string, text: string) => Promise<StoredMessage | undefined>;
  /** The file layer's 1:1 send of one file (as in a 1:1 chat): its file id. */
  sendFile: (peer: string, file: File) => Promise<string | undefined>;
  history: Pick<History, 'findLast'>;
  /** Waits (pacing); tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
}

/** What a copy is: the recipient, and its 1:1 message id or why there is none. */
type Copy = StoredBroadcastSend['copies'][number];

export class Broadcasts extends EventTarget {
  readonly #lists = new Map<string, StoredBroadcast>();
  readonly #nextSeq = createSequencer();
  /** Entries whose copies are being made now (a copy with neither id nor error is on its way, not lost). */
  readonly #inFlight = new Set<string>();
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly d: BroadcastDeps) {
    super();
    this.#sleep = d.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Reads the lists (at most BROADCAST_LIMITS.maxLists); call once, before anything else. */
  async load(): Promise<void> {
    for (const list of await this.d.db.getAll('broadcasts')) this.#lists.set(list.id, list);
  }

  /** Every list, in no particular order (the conversation list sorts). */
  list(): StoredBroadcast[] {
    return [...this.#lists.values()];
  }

  get(id: string): StoredBroadcast | undefined {
    return this.#lists.get(id);
  }

  /** Makes a list of `recipients` (contacts) called `name`. */
  async create(name: string, recipients: readonly string[]): Promise<StoredBroadcast> {
    if (this.#lists.size >= BROADCAST_LIMITS.maxLists) throw new ParleyError('broadcast_limit');
    const list: StoredBroadcast = { id: crypto.randomUUID(), name: this.#name(name), recipients: this.#recipients(recipients), created: Date.now() };
    await this.#put(list);
    return list;
  }

  /** Renames list `id` and sets its recipients (added or removed ones count from the next message). */
  async update(id: string, name: string, recipients: readonly string[]): Promise<void> {
    const list = this.#lists.get(id);
    if (!list) return;
    await this.#put({ ...list, name: this.#name(name), recipients: this.#recipients(recipients) });
  }

  /** "Delete broadcast": the list and its entries go; the 1:1 copies stay in their chats. */
  async remove(id: string): Promise<void> {
    const tx = this.d.db.transaction(['broadcasts', 'broadcastSends'], 'readwrite');
    await Promise.all([tx.objectStore('broadcasts').delete(id), tx.objectStore('broadcastSends').delete(sendsOf(id)), tx.done]);
    this.#lists.delete(id);
    this.dispatchEvent(new BroadcastEvent(id));
  }

  /** True while entry `id`'s copies are still being made. */
  sending(id: string): boolean {
    return this.#inFlight.has(id);
  }

  /** The latest `count` messages written in list `id`, oldest first. */
  async sends(id: string, count = 50): Promise<StoredBroadcastSend[]> {
    const out: StoredBroadcastSend[] = [];
    let cursor = await this.d.db.transaction('broadcastSends').store.openCursor(sendsOf(id), 'prev');
    while (cursor && out.length < count) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out.reverse();
  }

  /** Sends `text` to each recipient of list `id` as a 1:1 message of its own; the list's entry. */
  async sendText(id: string, text: string): Promise<StoredBroadcastSend | undefined> {
    const trimmed = text.trim();
    if (!trimmed) return undefined;
    if (trimmed.length > LIMITS.maxTextChars) throw new ParleyError('too_long');
    // A sealed copy is about 4/3 of the text's UTF-8 bytes (at most 3 per UTF-16 unit) plus its headers.
    return this.#send(id, { text: trimmed }, (peer) => this.d.sendText(peer, trimmed).then((m) => m?.id), trimmed.length * 4 + 512);
  }

  /** Sends each file to each recipient of list `id`, as in a 1:1 chat (each copy sealed and sent on its own). */
  async sendFiles(id: string, files: readonly File[]): Promise<void> {
    for (const file of files) {
      const copy = async (peer: string) => {
        const fileId = await this.d.sendFile(peer, file);
        const message = fileId && (await this.d.history.findLast(dmId(peer), (m) => m.dir === 'out' && m.file?.fileId === fileId));
        return message ? message.id : undefined;
      };
      // The offer's envelope is small; the chunks are the file layer's to pace (its relay and upload limits).
      await this.#send(id, { text: file.name, file: { name: file.name, size: file.size, type: file.type } }, copy, 2048);
    }
  }

  /**
   * Records the list's entry first (every recipient, no copy yet: a reload midway shows the rest
   * as not sent), then makes each copy in turn, paced, and records what became of each.
   */
  async #send(id: string, content: Pick<StoredBroadcastSend, 'text' | 'file'>, copy: (peer: string) => Promise<string | undefined>, cost: number): Promise<StoredBroadcastSend | undefined> {
    const list = this.#lists.get(id);
    if (!list) return undefined;
    const entry: StoredBroadcastSend = { list: id, seq: this.#nextSeq(), id: crypto.randomUUID(), ts: Date.now(), ...content, copies: list.recipients.map((peer) => ({ peer })) };
    await this.d.db.put('broadcastSends', entry);
    await this.#put({ ...list, last: { id: entry.id, dir: 'out', at: entry.ts, text: entry.text, ...(entry.file ? { file: true } : {}) } });
    const pacer = new Pacer(BROADCAST_LIMITS.copiesPerSecond, BROADCAST_LIMITS.envelopeCharsPerSecond, this.#sleep);
    this.#inFlight.add(entry.id);
    try {
      for (const c of entry.copies) {
        await pacer.take(cost);
        Object.assign(c, await this.#copy(c.peer, copy));
      }
      await this.d.db.put('broadcastSends', entry);
    } finally {
      this.#inFlight.delete(entry.id);
    }
    await this.#trim(id);
    this.dispatchEvent(new BroadcastEvent(id));
    return entry;
  }

  /** One recipient's copy: its message id, or why it was not made. */
  async #copy(peer: string, copy: (peer: string) => Promise<string | undefined>): Promise<Omit<Copy, 'peer'>> {
    if (!this.d.contacts.get(peer)) return { error: 'not_contact' };
    if (this.d.contacts.isBlocked(peer)) return { error: 'blocked' };
    try {
      const id = await copy(peer);
      return id ? { id } : { error: 'internal' };
    } catch (err) {
      return { error: err instanceof ParleyError ? err.code : 'internal' };
    }
  }

  /** Lets the oldest entries of list `id` go past BROADCAST_LIMITS.sendsKept. */
  async #trim(id: string): Promise<void> {
    const tx = this.d.db.transaction('broadcastSends', 'readwrite');
    let over = (await tx.store.count(sendsOf(id))) - BROADCAST_LIMITS.sendsKept;
    let cursor = over > 0 ? await tx.store.openCursor(sendsOf(id)) : null;
    while (cursor && over-- > 0) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  async #put(list: StoredBroadcast): Promise<void> {
    await this.d.db.put('broadcasts', list);
    this.#lists.set(list.id, list);
    this.dispatchEvent(new BroadcastEvent(list.id));
  }

  #name(name: string): string {
    const trimmed = name.trim().slice(0, BROADCAST_LIMITS.maxNameChars);
    if (!trimmed) throw new ParleyError('bad_frame');
    return trimmed;
  }

  /** Each contact once; no one else can be a recipient. */
  #recipients(recipients: readonly string[]): string[] {
    const unique = [...new Set(recipients)];
    if (unique.length === 0 || unique.length > BROADCAST_LIMITS.maxRecipients) throw new ParleyError('broadcast_limit');
    if (unique.some((peer) => !this.d.contacts.get(peer))) throw new ParleyError('not_contact');
    return unique;
  }
}

/** The key range of list `id`'s entries. */
function sendsOf(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}
