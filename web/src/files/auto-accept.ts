/**
 * How large a file this browser fetches from a contact without asking: larger offers wait for the
 * user's "Accept" (a contact, or someone who took over their account, cannot fill the disk or the
 * bandwidth behind the user's back). Remembered per browser profile, in the app's IndexedDB.
 */
import type { Database } from '../storage/db';

const MiB = 1024 * 1024;
/** Files up to this size are fetched (and images previewed) as soon as they are offered. */
export const AUTO_ACCEPT_DEFAULT_BYTES = 25 * MiB;
/** The largest setting: the relay's per-file limit, so "this much" means "everything". */
export const AUTO_ACCEPT_MAX_BYTES = 2048 * MiB;
const SETTING_KEY = 'autoAcceptBytes';

/** Fires `change` when the limit changes. */
export class AutoAcceptSetting extends EventTarget {
  #bytes = AUTO_ACCEPT_DEFAULT_BYTES;

  constructor(private readonly db: Database) {
    super();
  }

  /** Reads the saved limit; the default if there is none (or it is not a valid one). */
  async load(): Promise<void> {
    const saved = await this.db.get('settings', SETTING_KEY);
    if (isValid(saved)) this.#bytes = Math.min(saved, AUTO_ACCEPT_MAX_BYTES);
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** True when a file of `size` bytes is fetched without asking. */
  accepts(size: number): boolean {
    return size <= this.#bytes;
  }

  /** Sets and saves the limit (whole bytes, 0 to ask for every file); an invalid value is ignored. */
  async set(bytes: number): Promise<void> {
    if (!isValid(bytes)) return;
    this.#bytes = Math.min(Math.round(bytes), AUTO_ACCEPT_MAX_BYTES);
    this.dispatchEvent(new Event('change'));
    await this.db.put('settings', this.#bytes, SETTING_KEY);
  }
}

function isValid(bytes: unknown): bytes is number {
  return typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0;
}
