import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { displayName } from '../files/display-name';
import { makePreview } from '../files/preview';
import type { TransferEvent } from '../files/transfers';
import type { FileMeta, MessageState, TransferRecord } from '../storage/db';
import { formatBytes, formatDuration } from '../i18n/formats';
import { activeLocale } from '../i18n/locale';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import { ViewImageEvent } from './log/parley-image-viewer';
import { parseGroupFileName } from '../../../shared/group-file-names';
import { tf } from '../i18n/group-file-strings';
import { localized } from '@lit/localize';

const failure = {
  integrity: t.integrityFailed,
  too_large_for_relay: t.tooLargeForRelay,
  storage: t.storageFailed,
  interrupted: t.transferInterrupted,
  cancelled_by_peer: t.transferCancelled,
} satisfies Record<NonNullable<TransferRecord['reason']>, () => string>;

/**
 * One file in a conversation: Accept and Decline while it waits for the user, its progress while
 * it moves, then a download link (and a preview for images). The link's `blob:` URL serves the
 * content as application/octet-stream (Transfers.blob), so opening it any way downloads it; the
 * preview is a PNG re-drawn from the pixels (files/preview.ts), never the sender's bytes. The
 * name is shown without bidirectional controls (files/display-name.ts), isolated in <bdi>.
 */
@customElement('parley-file-item')
@localized()
export class ParleyFileItem extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property({ attribute: false }) file!: FileMeta;
  /** One's own file: the state of the message that offered it (sending until the offer left). */
  @property({ attribute: false }) sent: MessageState | undefined;
  /** The content, for the download link. */
  @state() private url: string | undefined;
  /** The re-drawn image, for an image the browser can decode within the preview limits. */
  @state() private previewUrl: string | undefined;
  /** Received and verified once, but its content is gone from this device (site data cleared, say). */
  @state() private gone = false;
  /** Counts disconnections, so URLs made for an earlier connection are not kept. */
  #generation = 0;
  #loading = false;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.transfers, ['transfer'], (e) => {
      if ((e as TransferEvent).fileId === this.file.fileId) this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#generation++;
    for (const url of [this.url, this.previewUrl]) if (url) URL.revokeObjectURL(url);
    this.url = this.previewUrl = undefined;
  }

  override updated(_changed: PropertyValues<this>): void {
    const view = this.services.transfers.view(this.file.fileId);
    const ready = view?.record.state === 'done' || view?.record.dir === 'out';
    if (ready && !this.url && !this.gone && !this.#loading) void this.#load(view.record.dir === 'in');
  }

  /** Makes the download URL, then the preview if the content is an image within the limits. */
  async #load(received: boolean): Promise<void> {
    const generation = this.#generation;
    const current = () => this.isConnected && generation === this.#generation;
    this.#loading = true;
    try {
      // A sent file is shown only while this tab holds it; a received one lives on this device.
      const blob = await this.services.transfers.blob(this.file.fileId);
      if (!current()) return;
      if (!blob) {
        this.gone = received;
        return;
      }
      this.url = URL.createObjectURL(blob);
      const preview = await makePreview(blob);
      if (preview && current()) this.previewUrl = URL.createObjectURL(preview);
    } catch {
      if (current()) this.gone = received;
    } finally {
      this.#loading = false;
    }
  }

  override render() {
    const { size } = this.file;
    const name = displayName(this.file.name);
    const view = this.services.transfers.view(this.file.fileId);
    const state = view?.record.state ?? 'waiting';
    const percent = view && size > 0 ? Math.floor((view.bytesDone / size) * 100) : state === 'done' ? 100 : 0;
    const moving = state === 'waiting' || state === 'active' || state === 'verifying';
    const peer = view?.record.peer ?? '';
    // One's own file posted in a group: its one copy goes up for every member ("Uploading 30%").
    const group = view?.record.dir === 'out' && parseGroupFileName(peer) !== undefined;
    return html`
      <div class="head">
        <bdi class="name">${name}</bdi>
        <span class="size">${formatBytes(size, activeLocale())}</span>
        ${this.#senderState(state, percent, view !== undefined, group)}
      </div>
      ${moving
        ? html`
            <progress max="100" .value=${percent} aria-label=${t.transferOf(name)} aria-valuenow=${percent} aria-valuemin="0" aria-valuemax="100"></progress>
            <div class="row">
              <span class="hint">${view?.uploading
                ? group ? tf.uploadingForGroup() : t.uploadingFor(peer)
                : state === 'verifying'
                  ? t.verifying()
                  : state === 'waiting'
                    ? t.waitingForPeer()
                    : t.speedAndTime(formatBytes(view?.speed ?? 0, activeLocale()), formatDuration(view?.secondsLeft))}</span>
              <button class="secondary" @click=${() => this.services.transfers.cancel(this.file.fileId)}>${t.cancel()}</button>
            </div>
          `
        : nothing}
      ${state === 'offered'
        ? html`<p class="hint">${t.fileOffered()}</p>
            <div class="row choices">
              <button @click=${() => this.services.transfers.accept(this.file.fileId)}>${t.accept()}</button>
              <button class="secondary" @click=${() => this.services.transfers.cancel(this.file.fileId)}>${t.decline()}</button>
            </div>`
        : nothing}
      ${state === 'stored' && group ? html`<p class="hint">${tf.storedForGroup()}</p>` : nothing}
      ${state === 'stored' && !group
        ? html`<div class="row">
            <span class="hint">${t.storedFor(peer)}</span>
            <button class="secondary" @click=${() => this.services.transfers.cancel(this.file.fileId)}>${t.cancel()}</button>
          </div>`
        : nothing}
      ${state === 'cancelled' ? html`<p class="hint">${t.transferCancelled()}</p>` : nothing}
      ${state === 'failed'
        ? html`<p class="error">${failure[view?.record.reason ?? 'interrupted']()}</p>`
        : nothing}
      ${this.previewUrl
        ? html`<a class="preview" href=${this.previewUrl} aria-label=${t.viewImage(name)} @click=${this.#view}><img src=${this.previewUrl} alt=${name} /></a>`
        : nothing}
      ${this.url && state === 'done' ? html`<a href=${this.url} download=${name}>${t.download(name)}</a>` : nothing}
      ${this.gone && state === 'done' ? html`<p class="hint">${t.fileGone()}</p>` : nothing}
    `;
  }

  /** The preview opens in the log's image viewer (the link opens it in a tab where nothing listens). */
  #view = (e: MouseEvent) => {
    if (!this.previewUrl) return;
    e.preventDefault();
    this.dispatchEvent(new ViewImageEvent(this.previewUrl, displayName(this.file.name)));
  };

  /**
   * One's own file, as far as it went: "Sending 30%" while it moves ("Uploading 30%" in a group), "sent" once the server keeps
   * it and its offer left, "delivered" only once the contact has it whole. Nothing for a cancelled
   * or failed one (they say so themselves) or a failed offer (the message says so).
   */
  #senderState(state: TransferRecord['state'], percent: number, known: boolean, group: boolean) {
    const sent = this.sent;
    if (!sent || sent === 'failed') return nothing;
    let label: string;
    if (!known) label = { sending: t.stateSending, sent: t.stateSent, delivered: t.stateDelivered, read: t.stateDelivered }[sent]();
    else if (state === 'done') label = t.stateDelivered();
    else if (state === 'stored') label = sent === 'sending' ? t.stateSending() : t.stateSent();
    else if (state === 'waiting' || state === 'active' || state === 'verifying') label = group ? tf.fileUploading(percent) : t.fileSending(percent);
    else return nothing;
    return html`<span class="state" data-state=${state}>${label}</span>`;
  }

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; gap: 0.3rem; min-width: min(16rem, 60vw); }
      .head { display: flex; gap: 0.5rem; align-items: baseline; }
      .name { font-weight: 600; overflow-wrap: anywhere; }
      .size { color: var(--muted); font-size: 0.8rem; white-space: nowrap; }
      .state { margin-left: auto; color: var(--muted); font-size: 0.8rem; white-space: nowrap; }
      progress { width: 100%; }
      .row { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; }
      .choices { justify-content: flex-start; }
      p.hint { margin: 0; }
      button.secondary { font-size: 0.8rem; padding: 0.2rem 0.6rem; }
      a.preview { display: block; width: fit-content; max-width: 100%; cursor: zoom-in; }
      img { display: block; max-width: 100%; max-height: 16rem; border-radius: 8px; object-fit: contain; }
      a { color: var(--accent); }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-file-item': ParleyFileItem;
  }
}
