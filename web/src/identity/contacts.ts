/**
 * Contacts, requests and presence, as the server reports them, checked against the keys this
 * device already trusts: a contact whose identity key changes is flagged and cannot be
 * messaged until the user accepts the new key (trust on first use, never silently).
 */
import type { ClientFrame, ContactInfo, ServerFrameOf } from '../../../shared/protocol';
import type { Connection } from '../net/connection';
import type { FrameRoutes } from '../net/frame-router';
import { ParleyError } from '../net/parley-error';
import type { Database } from '../storage/db';

export interface ContactView {
  username: string;
  online: boolean;
  /** The trusted key (base64url). */
  identityKey: string;
  /** Set when the server reports a key other than the trusted one. */
  changedKey?: string;
}

/** Fires `change` whenever the list, a request or a presence changes. */
export class Contacts extends EventTarget {
  readonly #contacts = new Map<string, ContactView>();
  /** The identity key this device trusts for each contact: the 'contacts' store, mirrored (loaded at start). */
  readonly #trusted = new Map<string, string>();
  /** Display names contacts gave themselves (sealed profile bodies), with their senders' times: the 'contacts' store, mirrored. */
  readonly #names = new Map<string, { name: string; ts: number }>();
  incoming: string[] = [];
  outgoing: string[] = [];
  /** Users this one has blocked (the server keeps the list; `welcome.blocks` brings it to a new browser). */
  #blocks = new Set<string>();
  /** Contacts the user removed: their keys stay trusted (see StoredContact.removed), but they are not listed. */
  readonly #removed = new Set<string>();
  #pending = new Map<string, { resolve: () => void; reject: (e: ParleyError) => void }>();

  constructor(
    private readonly db: Database,
    private readonly connection: Connection,
  ) {
    super();
  }

  get list(): ContactView[] {
    return [...this.#contacts.values()].sort((a, b) => a.username.localeCompare(b.username));
  }

  get(username: string): ContactView | undefined {
    return this.#contacts.get(username);
  }

  /** Can we seal for this contact? Not while an unaccepted key change stands. */
  trusted(username: string): ContactView | undefined {
    const c = this.#contacts.get(username);
    return c && !c.changedKey ? c : undefined;
  }

  /** The name `username` gave themselves, if they shared one (show it as text, never as markup). */
  displayName(username: string): string | undefined {
    return this.#names.get(username)?.name;
  }

  /**
   * `username` shared display name `name` (already validated), sealed at `ts` by their clock: kept
   * unless a later one is already here (two profile updates may arrive out of order).
   */
  async setDisplayName(username: string, name: string, ts: number): Promise<void> {
    const current = this.#names.get(username);
    if (!this.#trusted.has(username) || (current && current.ts > ts)) return;
    this.#names.set(username, { name, ts });
    this.#changed();
    const stored = await this.db.get('contacts', username);
    if (stored) await this.db.put('contacts', { ...stored, displayName: name, displayNameTs: ts });
  }

  /** Sends a request; resolves when the server recorded it (or made us contacts), rejects with a ParleyError. */
  request(username: string): Promise<void> {
    const to = username.trim().toLowerCase();
    return new Promise((resolve, reject) => {
      if (!this.connection.send({ t: 'contact_request', to })) {
        reject(new ParleyError('offline'));
        return;
      }
      this.#pending.set(to, { resolve, reject });
    });
  }

  respond(from: string, accept: boolean): void {
    this.connection.send({ t: 'contact_respond', from, accept });
  }

  /** The user compared safety numbers and accepts the contact's new key. */
  async acceptChangedKey(username: string): Promise<void> {
    const c = this.#contacts.get(username);
    if (!c?.changedKey) return;
    c.identityKey = c.changedKey;
    delete c.changedKey;
    const stored = await this.db.get('contacts', username);
    await this.db.put('contacts', { ...stored, username, identityKey: c.identityKey });
    this.#trusted.set(username, c.identityKey);
    this.#changed();
  }

  // ---- block, unblock, remove (the server enforces them; these only ask) ----

  /** Whether this user blocked `username`. */
  isBlocked(username: string): boolean {
    return this.#blocks.has(username);
  }

  /** Nothing from `username` reaches this user any more; throws ParleyError('offline') when not connected. */
  block(username: string): void {
    this.#ask({ t: 'block', username });
  }

  unblock(username: string): void {
    this.#ask({ t: 'unblock', username });
  }

  /** Stops being contacts with `username` (both ways). */
  remove(username: string): void {
    this.#ask({ t: 'remove_contact', username });
  }

  #ask(frame: ClientFrame): void {
    if (!this.connection.send(frame)) throw new ParleyError('offline');
  }

  async #onRemoved(username: string): Promise<void> {
    this.#contacts.delete(username);
    this.#removed.add(username);
    this.#changed();
    const key = this.#trusted.get(username);
    if (key) await this.db.put('contacts', { username, identityKey: key, removed: true });
  }

  /** A removed contact is a contact again: listed after a reload too. */
  async #readded(username: string): Promise<void> {
    if (!this.#removed.delete(username)) return;
    const key = this.#trusted.get(username);
    if (key) await this.db.put('contacts', { username, identityKey: key });
  }

  /** Subscribes to the frames about contacts, requests and presence. */
  attach(frames: FrameRoutes): void {
    frames.on('blocked', (f) => {
      this.#blocks.add(f.username);
      this.#changed();
    });
    frames.on('unblocked', (f) => {
      this.#blocks.delete(f.username);
      this.#changed();
    });
    frames.on('contact_removed', (f) => this.#onRemoved(f.username));
    frames.on('welcome', (f) => this.#onWelcome(f));
    frames.on('contact_added', async (f) => {
      await this.#upsert(f.contact);
      this.incoming = this.incoming.filter((u) => u !== f.contact.username);
      this.outgoing = this.outgoing.filter((u) => u !== f.contact.username);
      this.#settle(f.contact.username);
      this.#changed();
    });
    frames.on('request_received', (f) => {
      if (!this.incoming.includes(f.from)) this.incoming = [...this.incoming, f.from];
      this.#changed();
    });
    frames.on('request_sent', (f) => {
      if (!this.outgoing.includes(f.to)) this.outgoing = [...this.outgoing, f.to];
      this.#settle(f.to);
      this.#changed();
    });
    frames.on('request_declined', (f) => {
      this.incoming = this.incoming.filter((u) => u !== f.username);
      this.outgoing = this.outgoing.filter((u) => u !== f.username);
      this.#changed();
    });
    frames.on('presence', (f) => {
      const c = this.#contacts.get(f.username);
      if (c) c.online = f.online;
      this.#changed();
    });
    frames.on('error', (f) => {
      const waiter = f.ref ? this.#pending.get(f.ref) : undefined;
      if (!waiter) return;
      this.#pending.delete(f.ref!);
      waiter.reject(ParleyError.fromFrame(f, { peer: f.ref }));
    });
  }

  /** The connection dropped: nobody is known to be online any more. */
  markAllOffline(): void {
    for (const c of this.#contacts.values()) c.online = false;
    this.#changed();
  }

  /**
   * The contacts this device already knows, listed (offline) before the server's welcome, so their
   * conversations open and a message can be written, and queued, before the login completes.
   */
  async load(): Promise<void> {
    for (const c of await this.db.getAll('contacts')) {
      this.#trusted.set(c.username, c.identityKey);
      if (c.displayName) this.#names.set(c.username, { name: c.displayName, ts: c.displayNameTs ?? 0 });
      if (c.removed) {
        this.#removed.add(c.username);
        continue;
      }
      this.#contacts.set(c.username, { username: c.username, online: false, identityKey: c.identityKey });
    }
    if (this.#contacts.size > 0) this.#changed();
  }

  async #onWelcome(frame: ServerFrameOf<'welcome'>): Promise<void> {
    // Only contacts new to this tab touch storage, all in one transaction: a login that brings
    // none reads and writes nothing, and the rest of the login does not wait for it.
    await this.#trustFirstKeys(frame.contacts.filter((info) => !this.#trusted.has(info.username)));
    const views = frame.contacts.map((info) => this.#view(info));
    this.#contacts.clear();
    for (const v of views) this.#contacts.set(v.username, v);
    this.incoming = frame.incoming;
    this.outgoing = frame.outgoing;
    this.#blocks = new Set(frame.blocks);
    this.#changed();
    for (const v of views) await this.#readded(v.username);
  }

  async #upsert(info: ContactInfo): Promise<void> {
    if (!this.#trusted.has(info.username)) await this.#trustFirstKeys([info]);
    this.#contacts.set(info.username, this.#view(info));
    await this.#readded(info.username);
  }

  /**
   * Trust on first use for contacts this tab knows no key of: a key already stored (another tab
   * of this profile met them first) stands; otherwise the reported one is stored and trusted.
   */
  async #trustFirstKeys(contacts: ContactInfo[]): Promise<void> {
    if (contacts.length === 0) return;
    const tx = this.db.transaction('contacts', 'readwrite');
    const stored = await Promise.all(contacts.map((info) => tx.store.get(info.username)));
    contacts.forEach((info, i) => {
      const key = stored[i]?.identityKey ?? info.identityKey;
      if (!stored[i]) void tx.store.put({ username: info.username, identityKey: key });
      this.#trusted.set(info.username, key);
    });
    await tx.done;
  }

  /** Trust on first use: the key this device trusts stands; a different one reported is held aside, not accepted. */
  #view(info: ContactInfo): ContactView {
    const identityKey = this.#trusted.get(info.username) ?? info.identityKey;
    const v: ContactView = { username: info.username, online: info.online, identityKey };
    if (identityKey !== info.identityKey) v.changedKey = info.identityKey;
    return v;
  }

  #settle(username: string): void {
    this.#pending.get(username)?.resolve();
    this.#pending.delete(username);
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
