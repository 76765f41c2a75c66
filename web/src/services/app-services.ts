/**
 * Builds the browser's services and wires them together. The app root creates one instance and
 * hands it down with @lit/context; nothing here is global.
 */
import { type Sodium, loadSodium } from '../../../shared/sodium';
import { Account } from './account';
import { AuthErrorEvent, Connection, FrameEvent } from './connection';
import { Contacts } from './contacts';
import { type Database, openDatabase } from './db';
import { Links } from '../peer/links';
import { type AckEvent, type EnvelopeEvent } from '../peer/peer-link';
import { Messenger } from './messenger';

const RELAY_ONLY = 'relayOnly';

export class AppServices extends EventTarget {
  readonly connection: Connection;
  readonly contacts: Contacts;
  readonly links: Links;
  readonly messenger: Messenger;
  /** Frames are handled one at a time, in arrival order, even though storage is asynchronous. */
  #pipeline: Promise<void> = Promise.resolve();

  private constructor(
    readonly db: Database,
    readonly sodium: Sodium,
    readonly account: Account,
    settings: { relayOnly: boolean },
  ) {
    super();
    this.connection = new Connection((nonce) => this.account.answer(nonce));
    this.contacts = new Contacts(db, this.connection);
    this.links = new Links(this.connection, account, this.contacts, sodium, settings);
    this.messenger = new Messenger(db, sodium, account, this.contacts, this.connection, this.links);
    this.connection.addEventListener('frame', (e) => {
      const frame = (e as FrameEvent).frame;
      this.#enqueue(async () => {
        if (frame.t === 'welcome') await this.account.markRegistered();
        await this.contacts.handle(frame);
        this.links.handle(frame);
        await this.messenger.handle(frame);
      }, frame.t);
    });
    this.links.addEventListener('envelope', (e) => {
      const { peer, id, env } = e as EnvelopeEvent;
      this.#enqueue(() => this.messenger.receiveDirect(peer, id, env), 'direct envelope');
    });
    this.links.addEventListener('acked', (e) => {
      const { peer, ids } = e as AckEvent;
      this.#enqueue(() => this.messenger.directAcked(peer, ids), 'direct ack');
    });
    this.connection.addEventListener('status', () => {
      if (!this.connection.online) this.contacts.markAllOffline();
    });
  }

  static async create(): Promise<AppServices> {
    const [db, sodium] = await Promise.all([openDatabase(), loadSodium()]);
    // The relay-only choice is read before anything could open a peer connection.
    const relayOnly = (await db.get('settings', RELAY_ONLY)) === true;
    return new AppServices(db, sodium, await Account.load(db, sodium), { relayOnly });
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
    this.messenger.start();
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

  /** Restores an identity from a backup file and connects with it. */
  async restore(fileText: string, passphrase: string): Promise<void> {
    await this.account.importBackup(fileText, passphrase);
    this.start();
    this.dispatchEvent(new Event('signed-in'));
  }

  stop(): void {
    this.messenger.stop();
    this.connection.stop();
    this.links.closeAll();
  }

  /** Runs `job` after every job queued before it; a failure is logged and does not stop the line. */
  #enqueue(job: () => Promise<void> | void, what: string): void {
    this.#pipeline = this.#pipeline.then(async () => {
      try {
        await job();
      } catch (err) {
        console.error('parley: failed to handle', what, err);
      }
    });
  }
}
