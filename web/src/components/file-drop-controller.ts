/**
 * Files dragged over a conversation: the host shows where they will go while `dragging`, and a
 * drop hands them to `send` unless `accepts()` says this conversation cannot take files now
 * (blocked, out of the group, a member chat). Shared by the 1:1 and the group conversation.
 */
import { type ReactiveController, type ReactiveControllerHost, css } from 'lit';

/** The host's overlay while files are dragged over it (`<div class="drop">`); the host is positioned. */
export const dropZone = css`
  .drop { position: absolute; inset: 0; display: grid; place-items: center; background: color-mix(in srgb, var(--accent) 15%, transparent); border: 2px dashed var(--accent); font-weight: 600; pointer-events: none; }
`;

export class FileDropController implements ReactiveController {
  /** Files are being dragged over the host. */
  dragging = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly accepts: () => boolean,
    private readonly send: (files: File[]) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('dragover', this.#over);
    this.host.addEventListener('dragleave', this.#leave);
    this.host.addEventListener('drop', this.#drop);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('dragover', this.#over);
    this.host.removeEventListener('dragleave', this.#leave);
    this.host.removeEventListener('drop', this.#drop);
  }

  #set(dragging: boolean): void {
    if (this.dragging === dragging) return;
    this.dragging = dragging;
    this.host.requestUpdate();
  }

  readonly #over = (e: DragEvent): void => {
    if (!e.dataTransfer?.types.includes('Files') || !this.accepts()) return;
    e.preventDefault();
    this.#set(true);
  };

  readonly #leave = (): void => this.#set(false);

  readonly #drop = (e: DragEvent): void => {
    this.#set(false);
    if (!e.dataTransfer?.files.length) return;
    // Always taken, so a file dropped where it cannot go is not opened by the browser instead.
    e.preventDefault();
    if (this.accepts()) this.send([...e.dataTransfer.files]);
  };
}
