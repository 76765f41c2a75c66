/**
 * Whether this device is in a group, as the server tells it: a Welcome (it was added: join with
 * a kept key package), a removal (it is out: the group stays listed, read-only), and the login's
 * list of this user's groups (the server's role is the one shown). Kept apart from groups.ts
 * because joining and leaving are one concern with its own steps, and that file was over 300
 * lines. A Welcome and a removal run in the group's serial line (groups.ts queues them there).
 */
import { type GroupEnv, isGroupError, join, roleIn } from '../../../shared/groups/index';
import type { Identity } from '../../../shared/identity';
import type { ServerFrameOf } from '../../../shared/protocol';
import type { Sodium } from '../../../shared/sodium';
import type { Messenger } from '../conversations/messenger';
import { ParleyError } from '../net/parley-error';
import type { StoredGroup } from '../storage/db';
import type { Asks } from './ask';
import { welcomeBytes } from './big-commits';
import type { GroupView } from './core';
import { fetchTree } from './group-tree';
import { DEFAULT_SETTINGS, type GroupStore } from './group-store';
import type { KeyPool } from './key-pool';

export interface MembershipDeps {
  store: GroupStore;
  asks: Asks;
  keys: KeyPool;
  sodium: Sodium;
  messenger: Pick<Messenger, 'routed'>;
  identity: () => Identity;
  env: () => GroupEnv;
  /** Acknowledges the group's log up to `upTo` (the Welcome's seq). */
  ack: (group: string, upTo: number) => void;
  /** Tells the UI group `id` changed. */
  changed: (id: string) => void;
  /** Changes what the record of group `id` shows, saves it, and tells the UI. */
  patch: (id: string, change: Partial<Omit<GroupView, 'id' | 'conv'>>) => Promise<void>;
}

export class GroupMembership {
  constructor(private readonly d: MembershipDeps) {}

  /** This device was added: join with one of its kept key packages, then read the log after `seq`. */
  async welcome(f: ServerFrameOf<'group_welcome'>): Promise<void> {
    const { store, asks, keys } = this.d;
    const before = store.get(f.group);
    if (before?.group && !before.record.removed) return; // joined already (the Welcome comes again at each login until acknowledged past)
    const identity = this.d.identity();
    let joined: Awaited<ReturnType<typeof join>>;
    try {
      const tree = await fetchTree(asks, f.group);
      joined = await join(this.d.env(), this.d.sodium, identity, await welcomeBytes(asks, f), await keys.all(), f.group, tree);
    } catch (err) {
      // `tree_gone` (a later Add replaced the tree) is as final as a Welcome that does not open; `unavailable` waits for the next login.
      if ((err instanceof ParleyError && err.code === 'unavailable') || !(isGroupError(err) || err instanceof ParleyError)) throw err;
      console.warn(`parley: could not join group ${f.group} with its Welcome`, err);
      return store.unfill(f.group);
    }
    const record: StoredGroup = {
      id: f.group,
      name: before?.record.name ?? '',
      role: roleIn(joined.group, identity.username),
      settings: { ...DEFAULT_SETTINGS },
      joinedAt: Date.now(),
      seq: f.seq,
    };
    await store.save(store.fill(f.group, record, joined.group));
    await keys.used(joined.keyPackageRef);
    this.d.ack(f.group, f.seq);
    this.d.changed(f.group);
    // One package fewer on the server: its count (the answer) says whether to top up.
    void keys.upload(1).catch((err) => console.warn('parley: could not upload a key package', err));
  }

  /** This device is out of the group: it stays listed, read-only; its MLS state goes, and what waited to be sent fails. */
  async removed(f: ServerFrameOf<'group_removed'>): Promise<void> {
    const { store } = this.d;
    const held = store.get(f.group);
    if (!held) return store.unfill(f.group);
    held.record.removed = f.reason;
    delete held.record.state;
    held.group = undefined;
    held.pendingCommit = undefined;
    await store.save(held);
    const conv = `grp:${f.group}` as const;
    const { routed } = this.d.messenger;
    for (const job of routed.waiting(conv)) await routed.fail(conv, job.id, 'not_member');
    this.d.changed(f.group);
  }

  /** The login's list of this user's groups: the server's role for each is the one shown. */
  async listed(f: ServerFrameOf<'group_list'>): Promise<void> {
    for (const g of f.groups) {
      const held = this.d.store.get(g.group);
      if (held && !held.record.removed && held.record.role !== g.role) await this.d.patch(g.group, { role: g.role });
    }
  }
}
