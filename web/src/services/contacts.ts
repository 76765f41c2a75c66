/**
 * Contacts, requests and presence, as the server reports them, checked against the keys this
 * device already trusts: a contact whose identity key changes is flagged and cannot be
 * messaged until the user accepts the new key (trust on first use, never silently).
 */
import type { ContactInfo, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import type { Connection } from './connection';
import type { Database, StoredContact } from './db';

export interface ContactView {
  username: string;
  online: boolean;
  /** The trusted key (base64url). */
  identityKey: string;
  /** Set when the server reports a key other than the trusted one. */
  changedKey?: string;
}

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fires `change` whenever the list, a request or a presence changes. */
export class Contacts extends EventTarget {
  readonly #contacts = new Map<string, ContactView>();
  incoming: string[] = [];
  outgoing: string[] = [];
  #pending = new Map<string, { resolve: () => void; reject: (e: RequestError) => void }>();

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

  /** Sends a request; resolves when the server recorded it (or made us contacts). */
  request(username: string): Promise<void> {
    const to = username.trim().toLowerCase();
    return new Promise((resolve, reject) => {
      if (!this.connection.send({ t: 'contact_request', to })) {
        reject(new RequestError('offline', 'offline'));
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
    await this.db.put('contacts', { username, identityKey: c.identityKey });
    this.#changed();
  }

  async handle(frame: ServerFrame): Promise<void> {
    switch (frame.t) {
      case 'welcome':
        return this.#onWelcome(frame);
      case 'contact_added':
        await this.#upsert(frame.contact);
        this.incoming = this.incoming.filter((u) => u !== frame.contact.username);
        this.outgoing = this.outgoing.filter((u) => u !== frame.contact.username);
        this.#settle(frame.contact.username);
        break;
      case 'request_received':
        if (!this.incoming.includes(frame.from)) this.incoming = [...this.incoming, frame.from];
        break;
      case 'request_sent':
        if (!this.outgoing.includes(frame.to)) this.outgoing = [...this.outgoing, frame.to];
        this.#settle(frame.to);
        break;
      case 'request_declined':
        this.incoming = this.incoming.filter((u) => u !== frame.username);
        this.outgoing = this.outgoing.filter((u) => u !== frame.username);
        break;
      case 'presence': {
        const c = this.#contacts.get(frame.username);
        if (c) c.online = frame.online;
        break;
      }
      case 'error': {
        const waiter = frame.ref ? this.#pending.get(frame.ref) : undefined;
        if (!waiter) return;
        this.#pending.delete(frame.ref!);
        waiter.reject(new RequestError(frame.code, frame.message));
        return;
      }
      default:
        return;
    }
    this.#changed();
  }

  /** The connection dropped: nobody is known to be online any more. */
  markAllOffline(): void {
    for (const c of this.#contacts.values()) c.online = false;
    this.#changed();
  }

  async #onWelcome(frame: ServerFrameOf<'welcome'>): Promise<void> {
    this.#contacts.clear();
    for (const c of frame.contacts) await this.#upsert(c);
    this.incoming = frame.incoming;
    this.outgoing = frame.outgoing;
    this.#changed();
  }

  /** Trust on first use; a later different key is held aside, not accepted. */
  async #upsert(info: ContactInfo): Promise<void> {
    const known: StoredContact | undefined = await this.db.get('contacts', info.username);
    if (!known) await this.db.put('contacts', { username: info.username, identityKey: info.identityKey });
    const identityKey = known?.identityKey ?? info.identityKey;
    const view: ContactView = { username: info.username, online: info.online, identityKey };
    if (identityKey !== info.identityKey) view.changedKey = info.identityKey;
    this.#contacts.set(info.username, view);
  }

  #settle(username: string): void {
    this.#pending.get(username)?.resolve();
    this.#pending.delete(username);
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
