import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host whenever `target` fires one of `events`, and stops listening when the
 * host leaves the DOM. Targets may arrive late (from context), hence `watch`.
 */
export class ListenController implements ReactiveController {
  #subs: Array<{ target: EventTarget; type: string; fn: (e: Event) => void }> = [];
  #connected = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  watch(target: EventTarget, types: string[], onEvent: (e: Event) => void = () => this.host.requestUpdate()): void {
    for (const type of types) {
      const sub = { target, type, fn: onEvent };
      this.#subs.push(sub);
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
