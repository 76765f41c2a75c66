/**
 * This browser's presence and notification choices, kept in the 'settings' store: whether read
 * receipts and typing are sent (and shown: off is off both ways, as in Signal), whether system
 * notifications are wanted, and whether they show the message text. Fires `change`.
 */
import type { Database } from '../storage/db';

export interface PreferenceValues {
  /** Off: this device sends no read receipts and shows none. */
  sendReadReceipts: boolean;
  /** Off: this device sends no typing signals and shows none. */
  showTyping: boolean;
  /** The user enabled system notifications (the browser's permission is asked separately, from a gesture). */
  notifications: boolean;
  /** Notifications show the message text (off: only who wrote). */
  notificationText: boolean;
}

export const DEFAULT_PREFERENCES: Readonly<PreferenceValues> = {
  sendReadReceipts: true,
  showTyping: true,
  notifications: false,
  notificationText: true,
};

const KEY_PREFIX = 'pref:';

export class Preferences extends EventTarget {
  #values: PreferenceValues = { ...DEFAULT_PREFERENCES };

  constructor(private readonly db: Database) {
    super();
  }

  async load(): Promise<void> {
    for (const key of Object.keys(DEFAULT_PREFERENCES) as Array<keyof PreferenceValues>) {
      const stored = await this.db.get('settings', KEY_PREFIX + key);
      if (typeof stored === 'boolean') this.#values[key] = stored;
    }
  }

  get sendReadReceipts(): boolean {
    return this.#values.sendReadReceipts;
  }

  get showTyping(): boolean {
    return this.#values.showTyping;
  }

  get notifications(): boolean {
    return this.#values.notifications;
  }

  get notificationText(): boolean {
    return this.#values.notificationText;
  }

  async set(key: keyof PreferenceValues, on: boolean): Promise<void> {
    if (this.#values[key] === on) return;
    this.#values[key] = on;
    this.dispatchEvent(new Event('change'));
    await this.db.put('settings', on, KEY_PREFIX + key);
  }
}
