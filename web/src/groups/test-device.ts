/**
 * For the group tests only: one browser device on a real Parley server (in this process, port 0):
 * its own fake IndexedDB (a fresh IDBFactory, kept so the device can "reload" onto the same
 * profile), the real Account, Contacts, Links, Messenger and Groups, and a `ws` socket whose every
 * decoded frame goes through a FrameRouter as in the app. `until` waits for a condition.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { Identity } from '../../../shared/identity';
import { type ClientFrame, decodeServerFrame } from '../../../shared/protocol';
import { type Sodium, loadSodium } from '../../../shared/sodium';
import { ParleyClient, newIdentity, uniqueName } from '../../../signaling/test-support/client';
import { Messenger } from '../conversations/messenger';
import { Account } from '../identity/account';
import { Contacts } from '../identity/contacts';
import type { Connection } from '../net/connection';
import { FrameRouter } from '../net/frame-router';
import { Links } from '../peer/links';
import { type Database, openDatabase } from '../storage/db';
import { Groups } from './groups';

export interface DeviceProfile {
  identity: Identity;
  factory: IDBFactory;
}

export class GroupDevice {
  private constructor(
    readonly profile: DeviceProfile,
    readonly client: ParleyClient,
    readonly router: FrameRouter,
    readonly db: Database,
    readonly account: Account,
    readonly contacts: Contacts,
    readonly messenger: Messenger,
    readonly groups: Groups,
    /** Every frame this device sent, in order. */
    readonly sent: ClientFrame[],
  ) {}

  get name(): string {
    return this.profile.identity.username;
  }

  /** A new user (registered now) on a fresh profile. */
  static async register(port: number, prefix: string): Promise<GroupDevice> {
    const identity = await newIdentity(uniqueName(prefix));
    return GroupDevice.open(port, { identity, factory: new IDBFactory() }, true);
  }

  /** The same profile (its IndexedDB, its identity) opened again and logged in: a reload. */
  static reopen(port: number, profile: DeviceProfile): Promise<GroupDevice> {
    return GroupDevice.open(port, profile, false);
  }

  private static async open(port: number, profile: DeviceProfile, register: boolean): Promise<GroupDevice> {
    const s: Sodium = await loadSodium();
    globalThis.indexedDB = profile.factory;
    const db = await openDatabase();
    const account = await Account.load(db, s);
    if (!account.identity) await account.adopt(profile.identity);
    const client = await ParleyClient.connect(port);
    const router = new FrameRouter();
    client.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const decoded = decodeServerFrame(data.toString());
      if (decoded.ok) router.route(decoded.frame);
    });
    const sent: ClientFrame[] = [];
    const connection = {
      get online() {
        return client.isOpen;
      },
      send: (f: ClientFrame) => {
        if (!client.isOpen) return false;
        sent.push(f);
        client.send(f);
        return true;
      },
      sendBinary: () => false,
      bufferedAmount: 0,
      waitForDrain: async () => {},
      addEventListener: () => {},
    } as unknown as Connection;
    const contacts = new Contacts(db, connection);
    const directory = {
      me: () => account.identity,
      isContact: (u: string) => contacts.get(u) !== undefined,
      trustedKey: (u: string) => contacts.trusted(u)?.identityKey,
    };
    const links = new Links(connection, directory, s, { relayOnly: true });
    const messenger = new Messenger(db, s, account, contacts, connection, links);
    const groups = new Groups({ db, sodium: s, account, contacts, connection, messenger });
    await Promise.all([contacts.load(), messenger.load(), groups.load()]);
    contacts.attach(router);
    links.attach(router);
    messenger.attach(router);
    groups.attach(router);
    if (register) await client.register(profile.identity);
    else await client.login(profile.identity);
    return new GroupDevice(profile, client, router, db, account, contacts, messenger, groups, sent);
  }

  /** The texts of group `id`'s conversation on this device, in its order. */
  async texts(id: string): Promise<string[]> {
    return (await this.messenger.conversation(`grp:${id}`)).map((m) => m.text);
  }

  /** Closes the socket and the database (the profile stays, for `reopen`). */
  async close(): Promise<void> {
    await this.client.close(500);
    await this.router.idle();
    // Let the lines finish what the last frames queued before the database goes.
    await new Promise((r) => setTimeout(r, 50));
    this.db.close();
  }
}

/** Resolves once `check` holds (polled), or fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
