/**
 * The store contract: what every backend must do, written once. A backend's test file calls
 * {@link describeStoreContract} with a factory; the suites in this folder run against it.
 */
import { afterEach, beforeEach } from 'vitest';
import type { StoreLimits } from '../limits';
import type { GroupStoreLimits } from '../groups';
import type { AnnouncementLimits } from '../announcements';
import type { QueueItem, Store } from '../store';

/** Limits a contract test sets; the rest keep each backend's defaults. */
export interface ContractOptions extends StoreLimits {
  senderSharePercent: number;
  /** The clock the backend must use for expiry and quotas. */
  now: () => number;
  /** Groups' bounds (../groups.ts); the backend's defaults for the rest. */
  groups?: Partial<Omit<GroupStoreLimits, 'now'>>;
  /** Announcements' bounds (../announcements.ts). */
  announcements?: Partial<AnnouncementLimits>;
}

/** Opens a backend; `reopen` opens it again on the same data (after a restart). */
export interface StoreFactory {
  open(options: ContractOptions): Promise<Store>;
  /** Called after each test: closes what was opened and removes its data. */
  cleanup(): Promise<void>;
}

export interface ContractContext {
  /** A store with the default contract limits, or `overrides` of them. */
  open(overrides?: Partial<ContractOptions>): Promise<Store>;
  clock: { now: number };
}

export const DEFAULT_OPTIONS = { quotaMessages: 100, quotaBytes: 1_000_000, ttlMs: 60_000, senderSharePercent: 100 };

/** Sets up a fresh clock per test and cleans the backend after it. */
export function contractContext(factory: StoreFactory): ContractContext {
  const clock = { now: 1_000_000 };
  beforeEach(() => {
    clock.now = 1_000_000;
  });
  afterEach(() => factory.cleanup());
  return {
    clock,
    open: (overrides = {}) => factory.open({ ...DEFAULT_OPTIONS, now: () => clock.now, ...overrides }),
  };
}

export const msg = (peer: string, id: string, ts: number, env = `env-${id}`): QueueItem => ({ kind: 'msg', peer, id, env, ts });
export const receipt = (peer: string, id: string, ts: number): QueueItem => ({ kind: 'receipt', peer, id, ts });

/** Everything queued for `recipient`, without the cursors. */
export async function pending(store: Store, recipient: string): Promise<QueueItem[]> {
  return (await store.queue.page(recipient, undefined, 1_000_000)).map(({ cursor: _cursor, ...item }) => item);
}

export const ids = (items: QueueItem[]) => items.map((i) => `${i.kind}:${i.peer}:${i.id}`);
