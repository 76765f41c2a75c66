import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host whenever `target` fires one of `events`, and stops listening when the
 * host leaves the DOM. Targets may arrive late (from context), hence `watch`. Hosts call `watch`
 * from connectedCallback, so on every move in the DOM: a watch of a target and type already
 * watched replaces the earlier one instead of adding a listener each time (review M8).
 */
export class ListenController implements ReactiveController {
  #subs: Array<{ target: EventTarget; type: string; fn: (e: Event) => void }> = [];
  #connected = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  watch(target: EventTarget, types: string[], onEvent: (e: Event) => void = () => this.host.requestUpdate()): void {
    for (const type of types) {
      const earlier = this.#subs.findIndex((s) => s.target === target && s.type === type);
      if (earlier >= 0) {
        if (this.#connected) target.removeEventListener(type, this.#subs[earlier]!.fn);
        this.#subs.splice(earlier, 1);
      }
      this.#subs.push({ target, type, fn: onEvent });
      if (this.#connected) target.addEventListener(type, onEvent);
    }
  }

  hostConnected(): void {
    this.#connected = true;
    for (const s of this.#subs) s.target.addEventListener(s.type, s.fn);
  }

  hostDisconnected(): void {
    this.#connected = false;
    for (const s of this.#subs) s.target.removeEventListener(s.type, s.fn);
  }
}
