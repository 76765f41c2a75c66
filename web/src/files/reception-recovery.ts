/**
 * How a reception finds its file when the sender is not there to serve it: a sender who leaves
 * (or is offline at login) may have left a copy with the server (stored-copies.ts), so the
 * reception turns to a server-facing link (stored-link.ts); a stored offer whose copy is not there
 * yet is asked for again a few times; with no copy at all it goes back to waiting for the sender.
 */
import type { Connection } from '../net/connection';
import type { Contacts } from '../identity/contacts';
import type { Link } from '../peer/link';
import type { Links } from '../peer/links';
import type { TransferRecord } from '../storage/db';
import type { IncomingTransfer } from './incoming';
import { StoredFileLink } from './stored-link';

/**
 * A stored offer that finds no copy on the server is asked for again this many times, first after
 * FETCH_RETRY_FIRST_MS and twice as long each time, while it is younger than the window (by its
 * sender's clock): its copy may still be on its way.
 */
const FETCH_RETRIES = 4;
const FETCH_RETRY_FIRST_MS = 1000;
const FETCH_RETRY_WINDOW_MS = 60_000;

export interface RecoveryDeps {
  /** This device's receptions, by file id (owned by Receptions). */
  receptions: ReadonlyMap<string, IncomingTransfer>;
  links: Links;
  connection: Connection;
  contacts: Contacts;
  /** Persists a changed record and tells the UI. */
  changed: (record: TransferRecord) => void;
}

export class ReceptionRecovery {
  /** The server-facing links of receptions whose sender left (or may have left) the file with the server. */
  readonly #storedLinks = new Map<string, StoredFileLink>();
  /** Stored offers that found no copy yet: when they were sealed, and how often the server was asked again. */
  readonly #fetchRetries = new Map<string, { ts: number; tries: number }>();

  constructor(private readonly d: RecoveryDeps) {}

  /**
   * The link a reception of `record` uses, looked up at each use: the server's copy while it
   * turned to one (see senderOffline), else the sender.
   */
  linkFor(record: TransferRecord): () => Link {
    const live = () => this.d.links.get(record.peer);
    if (record.stored && record.state !== 'done') this.#storedLinks.set(record.fileId, new StoredFileLink(live, this.d.connection));
    return () => this.#storedLinks.get(record.fileId) ?? live();
  }

  /** A new offer arrived, sealed at `ts` by its sender's clock; a stored one may be asked for again. */
  offered(fileId: string, stored: boolean | undefined, ts: number): void {
    if (stored) this.#fetchRetries.set(fileId, { ts, tries: 0 });
  }

  /** Logged in: stored files are fetched from the server whether or not their sender is online. */
  loggedIn(): void {
    for (const [fileId, link] of this.#storedLinks) if (!link.live) this.d.receptions.get(fileId)?.request();
  }

  /**
   * Receptions of live offers from `peer`, who is offline, not yet under way: their sender leaves a
   * copy with the server when its offer was kept there (see stored-copies.ts), so ask the server;
   * with no copy there they go back to waiting for the sender. A want sent before this tab's
   * connection was up is never answered, so login must not wait for one.
   */
  senderOffline(peer: string): void {
    for (const t of this.d.receptions.values()) {
      const r = t.record;
      if (r.peer !== peer || r.stored || r.state !== 'waiting' || this.#storedLinks.has(r.fileId)) continue;
      r.stored = true;
      this.d.changed(r);
      this.#storedLinks.set(r.fileId, new StoredFileLink(() => this.d.links.get(peer), this.d.connection));
      t.request();
    }
  }

  /** The server has no copy of `fileId`: ask again later, or turn to the sender. True when it was a reception's. */
  notFound(fileId: string): boolean {
    const stored = this.#storedLinks.get(fileId);
    if (!stored || stored.live) return false;
    if (this.#fetchAgainLater(fileId)) return true;
    stored.goLive();
    this.d.receptions.get(fileId)?.request();
    return true;
  }

  /**
   * A stored offer sealed less than FETCH_RETRY_WINDOW_MS ago whose sender is offline may have left
   * before its chunks were committed (this app no longer does so, other clients may): ask the
   * server again, with backoff, a few times. False when it is time to wait for the sender instead.
   */
  #fetchAgainLater(fileId: string): boolean {
    const retry = this.#fetchRetries.get(fileId);
    const t = this.d.receptions.get(fileId);
    const young = retry !== undefined && retry.tries < FETCH_RETRIES && Date.now() - retry.ts < FETCH_RETRY_WINDOW_MS;
    if (!young || !t || this.d.contacts.get(t.record.peer)?.online) {
      this.#fetchRetries.delete(fileId);
      return false;
    }
    setTimeout(() => t.request(), FETCH_RETRY_FIRST_MS * 2 ** retry.tries++);
    return true;
  }
}
