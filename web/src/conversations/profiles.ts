/**
 * Display names. The user's own (Settings → "Display name") is kept in the 'settings' store and
 * shared inside a sealed `profile` body, a durable outbox job: to every contact when it changes,
 * and to each new contact when they are added. The server never sees it. A contact's, received,
 * is kept on their contact record (Contacts.displayName). Fires `change` when the user's own changes.
 */
import type { Profile } from '../../../shared/envelope';
import { normalizeDisplayName } from '../../../shared/display-name';
import type { Contacts } from '../identity/contacts';
import type { FrameRoutes } from '../net/frame-router';
import type { Database } from '../storage/db';
import type { Messenger } from './messenger';

/** The 'settings' key of the user's own display name. */
export const MY_NAME = 'displayName';

export class Profiles extends EventTarget {
  #mine: string | undefined;

  constructor(
    private readonly db: Database,
    private readonly contacts: Contacts,
    private readonly messenger: Pick<Messenger, 'sendJob' | 'onControl'>,
  ) {
    super();
    messenger.onControl('profile', (from, body, ts) => contacts.setDisplayName(from, (body as Profile).displayName, ts));
  }

  async load(): Promise<void> {
    const stored = await this.db.get('settings', MY_NAME);
    if (typeof stored === 'string') this.#mine = stored;
  }

  /** The user's own display name, if set. */
  get mine(): string | undefined {
    return this.#mine;
  }

  /** New contacts are told the user's name. */
  attach(frames: FrameRoutes): void {
    frames.on('contact_added', (f) => {
      if (this.#mine) return this.#send(f.contact.username, this.#mine);
    });
  }

  /** Sets the user's display name and tells every contact; false (nothing changed) when `input` is not a valid name. */
  async setMine(input: string): Promise<boolean> {
    const name = normalizeDisplayName(input);
    if (!name) return false;
    if (name === this.#mine) return true;
    this.#mine = name;
    this.dispatchEvent(new Event('change'));
    await this.db.put('settings', name, MY_NAME);
    await Promise.all(this.contacts.list.map((c) => this.#send(c.username, name)));
    return true;
  }

  /** Keeps `name` (restored from a backup) as the user's own without sending it: the contacts have it already. */
  async restoreMine(name: string): Promise<void> {
    const valid = normalizeDisplayName(name);
    if (!valid || valid === this.#mine) return;
    this.#mine = valid;
    this.dispatchEvent(new Event('change'));
    await this.db.put('settings', valid, MY_NAME);
  }

  async #send(peer: string, displayName: string): Promise<void> {
    // A contact whose key change is not accepted yet cannot be sealed for: they learn it when next changed.
    if (!this.contacts.trusted(peer)) return;
    await this.messenger.sendJob(peer, 'profile', { kind: 'profile', displayName }).catch((err) => {
      console.warn(`parley: could not send the display name to ${peer}`, err);
    });
  }
}
