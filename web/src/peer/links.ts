/**
 * One link per contact, and what they share: the server connection for the relay and for
 * signaling, the ICE servers from the login, the pinned contact keys, and the relay-only
 * setting. In relay-only mode no RTCPeerConnection is ever constructed, so no address leaks.
 */
import { type SignalPayload, decodeSignal } from '../../../shared/peer-protocol';
import type { IceServer, ServerFrame } from '../../../shared/protocol';
import { publicKeyFromB64 } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import type { Connection, RelayChunkEvent } from '../net/connection';
import type { Contacts } from '../identity/contacts';
import { DirectChannel } from './direct-channel';
import { ChunkEvent, PeerLink } from './peer-link';

/**
 * Fires, for any of its links: `envelope` (EnvelopeEvent), `acked` (AckEvent), `path` (PathEvent),
 * `chunk` (ChunkEvent) and `file-control` (FileControlEvent).
 */
export class Links extends EventTarget {
  readonly #links = new Map<string, PeerLink>();
  #iceServers: IceServer[] = [];
  #relayOnly: boolean;

  constructor(
    private readonly connection: Connection,
    private readonly account: Account,
    private readonly contacts: Contacts,
    private readonly sodium: Sodium,
    options: { relayOnly: boolean },
  ) {
    super();
    this.#relayOnly = options.relayOnly;
    connection.addEventListener('relay-chunk', (e) => {
      const { from, payload } = e as RelayChunkEvent;
      if (this.contacts.get(from)) this.dispatchEvent(new ChunkEvent(from, payload));
    });
  }

  get relayOnly(): boolean {
    return this.#relayOnly;
  }

  /** Switching relay-only on closes every direct channel at once; off lets them form again. */
  setRelayOnly(on: boolean): void {
    if (on === this.#relayOnly) return;
    this.#relayOnly = on;
    for (const link of this.#links.values()) link.setDirectAllowed(!on);
  }

  get(peer: string): PeerLink {
    let link = this.#links.get(peer);
    if (!link) {
      const me = this.account.identity!.username;
      link = new PeerLink({
        peer,
        initiator: me < peer,
        relaySend: (id, env) => this.connection.send({ t: 'send', to: peer, id, env }),
        relay: this.connection,
        sendSignal: (payload) => this.#sendSignal(peer, payload),
        createChannel: (sid, initiator) => this.#createChannel(peer, sid, initiator),
        events: this,
      });
      this.#links.set(peer, link);
    }
    return link;
  }

  handle(frame: ServerFrame): void {
    switch (frame.t) {
      case 'welcome':
        this.#iceServers = frame.iceServers;
        for (const c of frame.contacts) this.get(c.username).setPeerOnline(c.online);
        return;
      case 'contact_added':
        this.get(frame.contact.username).setPeerOnline(frame.contact.online);
        return;
      case 'presence':
        this.get(frame.username).setPeerOnline(frame.online);
        return;
      case 'signal': {
        const payload = decodeSignal(frame.data);
        if (payload && this.contacts.get(frame.from)) this.get(frame.from).onSignal(payload);
        return;
      }
      default:
        return;
    }
  }

  closeAll(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
  }

  #sendSignal(peer: string, payload: SignalPayload): boolean {
    return this.connection.send({ t: 'signal', to: peer, data: JSON.stringify(payload) });
  }

  #createChannel(peer: string, sid: string, initiator: boolean): DirectChannel | undefined {
    const contact = this.contacts.trusted(peer);
    const me = this.account.identity;
    if (this.#relayOnly || !contact || !me) return undefined;
    return new DirectChannel({
      sid,
      initiator,
      me,
      peer,
      peerKey: publicKeyFromB64(this.sodium, contact.identityKey),
      iceServers: this.#iceServers,
      sodium: this.sodium,
      sendSignal: (signal) => this.#sendSignal(peer, { kind: 'rtc', sid, signal }),
    });
  }
}
