/**
 * Builds the browser's services and wires them together. The app root creates one instance and
 * hands it down with @lit/context; nothing here is global.
 */
import { type Sodium, loadSodium } from '../../../shared/sodium';
import { Account } from './account';
import { AuthErrorEvent, Connection, FrameEvent } from './connection';
import { Contacts } from './contacts';
import { type Database, openDatabase } from './db';
import { Links } from './link';
import { Messenger } from './messenger';

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
  ) {
    super();
    this.connection = new Connection((nonce) => this.account.answer(nonce));
    this.links = new Links(this.connection);
    this.contacts = new Contacts(db, this.connection);
    this.messenger = new Messenger(db, sodium, account, this.contacts, this.connection, this.links);
    this.connection.addEventListener('frame', (e) => this.#enqueue((e as FrameEvent).frame));
    this.connection.addEventListener('status', () => {
      if (!this.connection.online) this.contacts.markAllOffline();
    });
  }

  static async create(): Promise<AppServices> {
    const [db, sodium] = await Promise.all([openDatabase(), loadSodium()]);
    return new AppServices(db, sodium, await Account.load(db, sodium));
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

  #enqueue(frame: FrameEvent['frame']): void {
    this.#pipeline = this.#pipeline.then(async () => {
      try {
        if (frame.t === 'welcome') await this.account.markRegistered();
        await this.contacts.handle(frame);
        await this.messenger.handle(frame);
      } catch (err) {
        console.error('parley: failed to handle a frame', frame.t, err);
      }
    });
  }
}
