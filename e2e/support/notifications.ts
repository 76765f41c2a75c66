/**
 * Notifications as a test sees them: an init script records each one the page raises (still
 * raising the real one) and each window.focus(); `notes` reads them back.
 */
import type { Page } from '@playwright/test';

declare global {
  interface Window {
    __notes: Array<{ title: string; body: string; n: Notification }>;
    /** How often the page called window.focus(). */
    __focused: number;
  }
}

/** Records every notification the page raises, still raising the real one, and every window.focus(). */
export function recordNotifications(): void {
  const Real = window.Notification;
  window.__notes = [];
  window.__focused = 0;
  const focus = window.focus.bind(window);
  window.focus = () => {
    window.__focused++;
    focus();
  };
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      window.__notes.push({ title, body: options?.body ?? '', n: this });
    }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
}

/** The notifications the page raised so far (after recordNotifications). */
export const notes = (page: Page) => page.evaluate(() => window.__notes.map(({ title, body }) => ({ title, body })));
