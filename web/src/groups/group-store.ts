/**
 * The groups this device holds, in memory and in IndexedDB (`groups` store, version 6): each
 * group's record (what the UI shows, the serialized MLS state, the last log seq processed), its
 * deserialized MLS state, and its serial line. Every change of a group's MLS state runs in that
 * group's line (README "One serial line per group"), and the state is saved before the log entry
 * that changed it is acknowledged.
 */
import { type CommitResult, type Group, type GroupEnv, deserialize, serialize, wipe } from '../../../shared/groups/index';
import type { Identity } from '../../../shared/identity';
import type { GroupSettings } from '../../../shared/protocol-groups';
import type { Sodium } from '../../../shared/sodium';
import type { Database, StoredGroup } from '../storage/db';
import type { GroupView } from './core';

export interface Held {
  record: StoredGroup;
  /** The MLS state now; absent once this device is out of the group (or its state did not load). */
  group?: Group;
  /** A commit sent and not answered (the answer may be lost): adopted if the log brings it back. */
  pendingCommit?: CommitResult;
  line: Promise<unknown>;
}

export const DEFAULT_SETTINGS: GroupSettings = { listed: false, name: '', topic: '', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: false };

/** What the UI reads of a record. */
export function viewOf(r: StoredGroup): GroupView {
  const name = r.name || r.settings.name || r.id.slice(0, 8);
  const topic = r.topic ?? (r.settings.topic || undefined);
  return {
    id: r.id,
    conv: `grp:${r.id}`,
    name,
    ...(topic ? { topic } : {}),
    role: r.role,
    settings: { ...r.settings },
    ...(r.members ? { members: r.members.map((m) => ({ ...m })) } : {}),
    ...(r.removed ? { removed: r.removed } : {}),
    joinedAt: r.joinedAt,
  };
}

export class GroupStore {
  readonly #held = new Map<string, Held>();
  /** Groups whose line exists but that hold nothing yet (see run): not listed. */
  readonly #placeholders = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly sodium: Sodium,
  ) {}

  /** Reads every group; a state that does not load (another identity's, damaged) leaves its group read-only. */
  async load(env: GroupEnv, identity: Identity | undefined): Promise<void> {
    for (const record of await this.db.getAll('groups')) {
      const held: Held = { record, line: Promise.resolve() };
      if (record.state && !record.removed && identity) {
        try {
          held.group = deserialize(env, this.sodium, identity, record.state);
          if (record.pending) held.pendingCommit = { group: deserialize(env, this.sodium, identity, record.pending), commit: new Uint8Array(0), consumed: [] };
        } catch (err) {
          console.warn(`parley: the state of group ${record.id} did not load`, err);
        }
      }
      this.#held.set(record.id, held);
    }
  }

  /** The group `id`, when this device holds it (not while only its line waits for it). */
  get(id: string): Held | undefined {
    return this.#placeholders.has(id) ? undefined : this.#held.get(id);
  }

  all(): Held[] {
    return [...this.#held].filter(([id]) => !this.#placeholders.has(id)).map(([, h]) => h);
  }

  /**
   * Runs `job` in group `id`'s line, after everything queued there. A job that fails fails alone
   * (its caller sees it); the line goes on.
   */
  run<T>(id: string, job: () => Promise<T>): Promise<T> {
    let held = this.#held.get(id);
    // A line for a group not held yet (its Welcome, its creation): kept so later jobs queue behind.
    if (!held) {
      held = { record: undefined as unknown as StoredGroup, line: Promise.resolve() };
      this.#held.set(id, held);
      this.#placeholders.add(id);
    }
    const result = held.line.then(job);
    held.line = result.catch(() => undefined);
    return result;
  }

  /** Fills a placeholder (or replaces a group) with `record`, keeping its line. */
  fill(id: string, record: StoredGroup, group: Group | undefined): Held {
    const held = this.#held.get(id) ?? { record, line: Promise.resolve() };
    held.record = record;
    if (group) held.group = group;
    else delete held.group;
    this.#held.set(id, held);
    this.#placeholders.delete(id);
    return held;
  }

  /** Drops a placeholder that never became a group (a refused creation, an unusable Welcome). */
  unfill(id: string): void {
    if (this.#placeholders.delete(id)) this.#held.delete(id);
  }

  /**
   * Saves `held`'s record with its MLS state serialized now, then wipes `consumed` (the secrets
   * the new state no longer needs: only once it is stored).
   */
  async save(held: Held, consumed: readonly Uint8Array[] = []): Promise<void> {
    if (held.group && !held.record.removed) held.record.state = serialize(held.group);
    if (held.pendingCommit && !held.record.removed) held.record.pending = serialize(held.pendingCommit.group);
    else delete held.record.pending;
    await this.db.put('groups', held.record);
    wipe(consumed);
  }
}
