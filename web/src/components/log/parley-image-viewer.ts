import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { t } from '../../i18n/strings';
import { controls } from '../shared-styles';
import { localized } from '@lit/localize';

/** Asks the log to show an image full size; raised (bubbling, composed) by a file's preview. */
export class ViewImageEvent extends Event {
  constructor(
    /** The preview's URL: the PNG re-drawn from the pixels (files/preview.ts), never the sender's bytes. */
    readonly src: string,
    readonly name: string,
  ) {
    super('view-image', { bubbles: true, composed: true });
  }
}

/**
 * An image shown full size in a modal dialog (role "dialog", named after the image), with a
 * "Close" button; Escape closes it too (the browser's own `<dialog>` cancel), and focus goes back
 * where it was.
 */
@customElement('parley-image-viewer')
@localized()
export class ParleyImageViewer extends LitElement {
  @state() private src: string | undefined;
  @state() private name = '';
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Shows `src` (an image URL this page made) named `name`. */
  async show(src: string, name: string): Promise<void> {
    this.src = src;
    this.name = name;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
  }

  close(): void {
    this.dialog.close();
  }

  override render() {
    return html`<dialog aria-label=${t.imageViewer(this.name)} @close=${() => (this.src = undefined)} @click=${this.#onBackdrop}>
      <div class="frame">
        ${this.src ? html`<img src=${this.src} alt=${this.name} />` : null}
        <button class="secondary" @click=${() => this.close()}>${t.close()}</button>
      </div>
    </dialog>`;
  }

  /** A click on the backdrop (the dialog itself, outside its frame) closes it. */
  #onBackdrop = (e: MouseEvent) => {
    if (e.target === this.dialog) this.close();
  };

  static override styles = [
    controls,
    css`
      dialog { padding: 0; border: 0; background: transparent; max-width: 96vw; max-height: 96vh; }
      dialog::backdrop { background: rgb(0 0 0 / 0.8); }
      .frame { display: flex; flex-direction: column; align-items: flex-end; gap: 0.5rem; }
      img { max-width: 94vw; max-height: 86vh; object-fit: contain; border-radius: 6px; background: var(--bg); }
      button.secondary { color: #fff; border-color: rgb(255 255 255 / 0.6); order: -1; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-image-viewer': ParleyImageViewer;
  }
}
