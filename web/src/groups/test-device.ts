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
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { add, deserialize, epochOf, fromBase64Url, groupEnv } from '../../../shared/groups/index';
import type { ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { ParleyClient, makeContacts, newIdentity, uniqueName } from '../../../signaling/test-support/client';
import { type InProcessServer, startInProcess } from '../../../signaling/test-support/in-process';
import { Messenger } from '../conversations/messenger';
import { ScheduledSends } from '../conversations/scheduled';
import { Sealer } from '../conversations/sealer';
import { Account } from '../identity/account';
import { Contacts } from '../identity/contacts';
import type { Connection } from '../net/connection';
import { FrameRouter } from '../net/frame-router';
import { Links } from '../peer/links';
import { type Database, createSequencer, openDatabase } from '../storage/db';
import { Groups } from './groups';

export interface DeviceProfile {
  identity: Identity;
  factory: IDBFactory;
}

export class GroupDevice {
  /** When set, frames it returns true for are kept here (recorded in `sent`) and never reach the server. */
  hold: ((f: ClientFrame) => boolean) | undefined;
  /** When set, server frames it returns true for are dropped before the router (a lost answer). */
  drop: ((f: ServerFrame) => boolean) | undefined;

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
    /** Scheduled messages, wired to the groups as the app wires them (app-services.ts). */
    readonly scheduled: ScheduledSends,
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
    let device: GroupDevice | undefined;
    client.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const decoded = decodeServerFrame(data.toString());
      if (decoded.ok && !device?.drop?.(decoded.frame)) router.route(decoded.frame);
    });
    const sent: ClientFrame[] = [];
    const connection = {
      get online() {
        return client.isOpen;
      },
      send: (f: ClientFrame) => {
        if (!client.isOpen) return false;
        sent.push(f);
        if (!device?.hold?.(f)) client.send(f);
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
    const sealer = new Sealer(s, account, messenger.keys, createSequencer());
    const scheduled = new ScheduledSends({ messenger, sealer, me: () => account.identity!.username, send: (f) => connection.send(f), online: () => connection.online });
    const groups = new Groups({ db, sodium: s, account, contacts, connection, messenger, scheduled });
    await Promise.all([contacts.load(), messenger.load(), groups.load()]);
    contacts.attach(router);
    links.attach(router);
    messenger.attach(router);
    groups.attach(router);
    scheduled.attach(router);
    if (register) await client.register(profile.identity);
    else await client.login(profile.identity);
    device = new GroupDevice(profile, client, router, db, account, contacts, messenger, groups, sent, scheduled);
    return device;
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
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface GroupWorld {
  readonly port: number;
  /** A new user on a fresh profile, logged in, with key packages on the server; closed after the test. */
  device(prefix: string): Promise<GroupDevice>;
  /** The same profile opened again (a reload); closed after the test. */
  reopen(profile: DeviceProfile): Promise<GroupDevice>;
  /** Closes `d` now (the test goes on without it). */
  close(d: GroupDevice): Promise<void>;
}

/** One in-process server for the file, devices closed after each test, and no error logged by the server. */
export function useGroupWorld(): GroupWorld {
  let server: InProcessServer;
  const open: GroupDevice[] = [];
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await server.stop();
    expect(server.errors).toEqual([]);
  });
  return {
    get port() {
      return server.port;
    },
    async device(prefix) {
      const d = await GroupDevice.register(server.port, prefix);
      open.push(d);
      // Its key packages are on the server once the login's top-up was answered.
      await until(`${prefix}'s key packages`, () => d.client.received.some((f) => f.t === 'kp_count' && f.count >= 8));
      return d;
    },
    async reopen(profile) {
      const d = await GroupDevice.reopen(server.port, profile);
      open.push(d);
      return d;
    },
    async close(d) {
      open.splice(open.indexOf(d), 1);
      await d.close();
    },
  };
}

export async function befriend(a: GroupDevice, b: GroupDevice): Promise<void> {
  await makeContacts(a.client, b.client);
  await until('contacts on both devices', () => !!a.contacts.get(b.name) && !!b.contacts.get(a.name));
}

/** `admin` claims a key package of each of `users`, commits their Add and sends the card (GroupCore, as the admin part does). */
export async function addMembers(admin: GroupDevice, id: string, users: GroupDevice[]): Promise<void> {
  const names = users.map((u) => u.name);
  const claimed = await admin.groups.core.ask(
    { t: 'kp_claim', group: id, users: names },
    (f: ServerFrame): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed' && f.group === id,
    [id, ...names],
  );
  await admin.groups.core.commit(id, (g) => add(g, claimed.kps.map((k) => fromBase64Url(k.kp))));
  await admin.groups.core.sendCard(id);
  for (const u of users) await until(`${u.name} joined`, () => u.groups.view(id) !== undefined);
}

/** The MLS epoch of group `id` as this device's IndexedDB holds it. */
export async function storedEpoch(d: GroupDevice, id: string): Promise<number> {
  const record = await d.db.get('groups', id);
  if (!record?.state) throw new Error('no stored state');
  const env = await groupEnv(() => true);
  return epochOf(deserialize(env, await loadSodium(), d.profile.identity, record.state));
}
