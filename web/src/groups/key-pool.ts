/**
 * This device's one-use key packages (README "Own key packages"): the public parts go to the
 * server (`kp_upload`), the secrets stay in IndexedDB by ref until a Welcome names one. The server
 * tells how many it holds only in answer to an upload (`kp_count`), so each login uploads one
 * fresh package and, if the count is then below LOW, tops the pool up to FULL.
 */
import { type GroupEnv, type OwnKeyPackage, keyPackages, toBase64Url } from '../../../shared/groups/index';
import { GROUP_LIMITS } from '../../../shared/limits';
import type { Sodium } from '../../../shared/sodium';
import type { Identity } from '../../../shared/identity';
import type { ClientFrame } from '../../../shared/protocol';
import type { Database, StoredKeyPackage } from '../storage/db';

export const LOW = 8;
export const FULL = 16;
/** Secrets of packages older than this are let go: the server's copies have expired (MLS_LIMITS.keyPackageLifetimeSeconds). */
export const KEEP_MS = 90 * 24 * 3600 * 1000;
/**
 * How long a used package's secrets stay. The server hands each package out once, except its
 * last one (the last resort, RFC 9420 §16.8), which it hands out again until a fresh upload
 * replaces it: a second Welcome made to that package must still find its secrets. A Welcome older
 * than the group log's retention (14 days) is gone from the server, so none can come after that.
 */
export const USED_KEEP_MS = 14 * 24 * 3600 * 1000;

export interface KeyPoolDeps {
  db: Database;
  sodium: Sodium;
  identity: () => Identity;
  env: () => Promise<GroupEnv>;
  send: (frame: ClientFrame) => boolean;
}

export class KeyPool {
  /** An upload sent and not answered yet: one at a time, so a count cannot start a second top-up. */
  #inFlight = false;

  constructor(private readonly d: KeyPoolDeps) {}

  /** At load: lets go of secrets whose packages have expired, or were used long enough ago. */
  async prune(now = Date.now()): Promise<void> {
    const tx = this.d.db.transaction('keyPackages', 'readwrite');
    for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
      const { made, usedAt } = cursor.value;
      if (now - made > KEEP_MS || (usedAt !== undefined && now - usedAt > USED_KEEP_MS)) void cursor.delete();
    }
    await tx.done;
  }

  /** After the login's welcome: one fresh package, whose answer says how many the server holds. */
  onWelcome(): Promise<void> {
    this.#inFlight = false;
    return this.upload(1);
  }

  /** The server's count (the answer to an upload): below LOW, top up to FULL. */
  async onCount(count: number): Promise<void> {
    this.#inFlight = false;
    if (count < LOW) await this.upload(Math.min(FULL - count, GROUP_LIMITS.maxKeyPackagesPerUpload));
  }

  /** An upload was refused (bad_mls on one of them): let the next login try again. */
  onRefused(): void {
    this.#inFlight = false;
  }

  /** Makes `count` packages, keeps their secrets, then uploads their public parts. */
  async upload(count: number): Promise<void> {
    if (this.#inFlight || count < 1) return;
    this.#inFlight = true;
    try {
      const own = await keyPackages(await this.d.env(), this.d.sodium, this.d.identity(), count);
      // Kept before they leave: a Welcome for one may come the moment the server has it.
      const made = Date.now();
      const tx = this.d.db.transaction('keyPackages', 'readwrite');
      for (const kp of own) void tx.store.put({ ...kp, made });
      await tx.done;
      if (!this.d.send({ t: 'kp_upload', kps: own.map((kp) => toBase64Url(kp.publicPackage)) })) this.#inFlight = false;
    } catch (err) {
      this.#inFlight = false;
      throw err;
    }
  }

  /** Every kept package, used ones too (for a Welcome to find its own). */
  async all(): Promise<OwnKeyPackage[]> {
    return (await this.d.db.getAll('keyPackages')).map(({ made: _made, usedAt: _usedAt, ...kp }: StoredKeyPackage) => kp);
  }

  /** A Welcome used `ref`: its secrets are marked, and go at a later prune (USED_KEEP_MS: it may be the server's last resort). */
  async used(ref: string, now = Date.now()): Promise<void> {
    const tx = this.d.db.transaction('keyPackages', 'readwrite');
    const kept = await tx.store.get(ref);
    if (kept && kept.usedAt === undefined) await tx.store.put({ ...kept, usedAt: now });
    await tx.done;
  }
}
