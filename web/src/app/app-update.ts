/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * The service worker (built by vite-plugin-pwa, web/vite.config.ts): it precaches the app shell
 * so Parley opens with no network. A new build installs beside the running one and waits
 * (`registerType: 'prompt'`): the tab says "A new version is available" and only the user's
 * "Reload" activates it and reloads, so a tab never runs half of one build and half of another.
 * A tab left open checks for a new build every UPDATE_CHECK_MS, as on each load.
 */
import { registerSW } from 'virtual:pwa-register';

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export class AppUpdate extends EventTarget {
  /** A new version is installed and waits for "Reload". */
  waiting = false;
  #activate: ((reload?: boolean) => Promise<void>) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    if (!('serviceWorker' in navigator) || this.#activate) return;
    this.#activate = registerSW({
      onNeedRefresh: () => {
        this.waiting = true;
        this.dispatchEvent(new Event('change'));
      },
      onRegisteredSW: (_url, registration) => {
        if (registration) this.#timer = setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
      },
      onRegisterError: (err: unknown) => console.warn('the service worker could not be registered; Parley will not open offline', err),
    });
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Activates the waiting version; the page reloads once it controls the tab. */
  reload(): Promise<void> {
    return this.#activate ? this.#activate(true) : Promise.resolve(location.reload());
  }
}
