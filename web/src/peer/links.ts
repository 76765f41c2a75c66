/**
 * One link per contact, and what they share: the server connection for the relay and for
 * signaling, the ICE servers from the login, the pinned contact keys, and the relay-only
 * setting. In relay-only mode no RTCPeerConnection is ever constructed, so no address leaks.
 */
import { type SignalPayload, decodeSignal } from '../../../shared/peer-protocol';
import type { IceServer } from '../../../shared/protocol';
import { publicKeyFromB64 } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Identity } from '../../../shared/identity';
import type { Connection, RelayChunkEvent } from '../net/connection';
import type { FrameRoutes } from '../net/frame-router';
import { DirectChannel } from './direct-channel';
import { ChunkEvent, PeerLink } from './peer-link';

/**
 * Who the links may reach, as the identity layer (above this one) knows it: this device's identity
 * and the contacts' trusted keys.
 */
export interface LinkDirectory {
  /** This device's identity, once it has one. */
  me(): Identity | undefined;
  /** True for a contact (whatever the state of their key). */
  isContact(username: string): boolean;
  /** The key to seal for and verify `username` with; undefined while an unaccepted key change stands. */
  trustedKey(username: string): string | undefined;
}

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
    private readonly directory: LinkDirectory,
    private readonly sodium: Sodium,
    options: { relayOnly: boolean },
  ) {
    super();
    this.#relayOnly = options.relayOnly;
    connection.addEventListener('relay-chunk', (e) => {
      const { from, payload } = e as RelayChunkEvent;
      if (this.directory.isContact(from)) this.dispatchEvent(new ChunkEvent(from, payload));
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
      const me = this.directory.me()!.username;
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

  /** Subscribes to what the server says about reachability (presence, ICE servers) and signals. */
  attach(frames: FrameRoutes): void {
    frames.on('welcome', (f) => {
      this.#iceServers = f.iceServers;
      for (const c of f.contacts) this.get(c.username).setPeerOnline(c.online);
    });
    frames.on('contact_added', (f) => this.get(f.contact.username).setPeerOnline(f.contact.online));
    frames.on('presence', (f) => this.get(f.username).setPeerOnline(f.online));
    frames.on('signal', (f) => {
      const payload = decodeSignal(f.data);
      if (payload && this.directory.isContact(f.from)) this.get(f.from).onSignal(payload);
    });
  }

  closeAll(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
  }

  #sendSignal(peer: string, payload: SignalPayload): boolean {
    return this.connection.send({ t: 'signal', to: peer, data: JSON.stringify(payload) });
  }

  #createChannel(peer: string, sid: string, initiator: boolean): DirectChannel | undefined {
    const key = this.directory.trustedKey(peer);
    const me = this.directory.me();
    if (this.#relayOnly || !key || !me) return undefined;
    return new DirectChannel({
      sid,
      initiator,
      me,
      peer,
      peerKey: publicKeyFromB64(this.sodium, key),
      iceServers: this.#iceServers,
      sodium: this.sodium,
      sendSignal: (signal) => this.#sendSignal(peer, { kind: 'rtc', sid, signal }),
    });
  }
}
