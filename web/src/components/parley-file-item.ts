import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { servicesContext } from '../context';
import { ListenController } from '../controllers/listen';
import type { TransferEvent } from '../files/transfers';
import type { AppServices } from '../services/app-services';
import type { FileMeta, TransferRecord } from '../services/db';
import { formatBytes, formatDuration, t } from '../strings';
import { controls } from './shared-styles';

const failure = {
  integrity: t.integrityFailed,
  too_large_for_relay: t.tooLargeForRelay,
  storage: t.storageFailed,
  interrupted: t.transferInterrupted,
  cancelled_by_peer: t.transferCancelled,
} satisfies Record<NonNullable<TransferRecord['reason']>, () => string>;

/** One file in a conversation: its progress while it moves, then a download link (and a preview for images). */
@customElement('parley-file-item')
export class ParleyFileItem extends LitElement {
  @consume({ context: servicesContext }) services!: AppServices;
  @property({ attribute: false }) file!: FileMeta;
  @state() private url: string | undefined;
  /** Received and verified once, but its content is gone from this device (site data cleared, say). */
  @state() private gone = false;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.transfers, ['transfer'], (e) => {
      if ((e as TransferEvent).fileId === this.file.fileId) this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }

  override updated(_changed: PropertyValues<this>): void {
    const view = this.services.transfers.view(this.file.fileId);
    const ready = view?.record.state === 'done' || view?.record.dir === 'out';
    // A sent file is shown only while this tab holds it; a received one lives on this device.
    const received = view?.record.dir === 'in' && view.record.state === 'done';
    if (ready && !this.url && !this.gone) {
      void this.services.transfers.blob(this.file.fileId).then(
        (blob) => {
          if (!this.isConnected || this.url) return;
          if (blob) this.url = URL.createObjectURL(blob);
          else if (received) this.gone = true;
        },
        () => (this.gone = received),
      );
    }
  }

  override render() {
    const { name, size, type } = this.file;
    const view = this.services.transfers.view(this.file.fileId);
    const state = view?.record.state ?? 'waiting';
    const percent = view && size > 0 ? Math.floor((view.bytesDone / size) * 100) : state === 'done' ? 100 : 0;
    const moving = state === 'waiting' || state === 'active' || state === 'verifying';
    const peer = view?.record.peer ?? '';
    return html`
      <div class="head">
        <span class="name">${name}</span>
        <span class="size">${formatBytes(size)}</span>
      </div>
      ${moving
        ? html`
            <progress max="100" .value=${percent} aria-label=${t.transferOf(name)} aria-valuenow=${percent} aria-valuemin="0" aria-valuemax="100"></progress>
            <div class="row">
              <span class="hint">${view?.uploading
                ? t.uploadingFor(peer)
                : state === 'verifying'
                  ? t.verifying()
                  : state === 'waiting'
                    ? t.waitingForPeer()
                    : t.speedAndTime(formatBytes(view?.speed ?? 0), formatDuration(view?.secondsLeft))}</span>
              <button class="secondary" @click=${() => this.services.transfers.cancel(this.file.fileId)}>${t.cancel()}</button>
            </div>
          `
        : nothing}
      ${state === 'stored'
        ? html`<div class="row">
            <span class="hint">${t.storedFor(peer)}</span>
            <button class="secondary" @click=${() => this.services.transfers.cancel(this.file.fileId)}>${t.cancel()}</button>
          </div>`
        : nothing}
      ${state === 'cancelled' ? html`<p class="hint">${t.transferCancelled()}</p>` : nothing}
      ${state === 'failed'
        ? html`<p class="error">${failure[view?.record.reason ?? 'interrupted']()}</p>`
        : nothing}
      ${this.url && type.startsWith('image/') && (state === 'done' || view?.record.dir === 'out') ? html`<img src=${this.url} alt=${name} />` : nothing}
      ${this.url && state === 'done' ? html`<a href=${this.url} download=${name}>${t.download(name)}</a>` : nothing}
      ${this.gone && state === 'done' ? html`<p class="hint">${t.fileGone()}</p>` : nothing}
    `;
  }

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; gap: 0.3rem; min-width: min(16rem, 60vw); }
      .head { display: flex; gap: 0.5rem; align-items: baseline; }
      .name { font-weight: 600; overflow-wrap: anywhere; }
      .size { color: var(--muted); font-size: 0.8rem; white-space: nowrap; }
      progress { width: 100%; }
      .row { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; }
      button.secondary { font-size: 0.8rem; padding: 0.2rem 0.6rem; }
      img { max-width: 100%; max-height: 16rem; border-radius: 8px; object-fit: contain; }
      a { color: var(--accent); }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-file-item': ParleyFileItem;
  }
}
