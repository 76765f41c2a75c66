/**
 * One link per contact, and what they share: the server connection for the relay and for
 * signaling, the ICE servers from the login, the pinned contact keys, and the relay-only
 * setting. In relay-only mode no RTCPeerConnection is ever constructed, so no address leaks.
 */
import { type SignalPayload, decodeSignal } from '../../../shared/peer-protocol';
import type { IceServer, ServerFrameOf } from '../../../shared/protocol';
import { publicKeyFromB64 } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Identity } from '../../../shared/identity';
import type { Connection, RelayChunkEvent } from '../net/connection';
import type { FrameRoutes } from '../net/frame-router';
import { Batcher } from '../net/batcher';
import { DirectChannel } from './direct-channel';
import type { EnvelopeSink } from './link';
import { type Channel, ChunkEvent, PeerLink, TransientEvent } from './peer-link';

export interface LinksOptions {
  relayOnly: boolean;
  /** Makes the direct channel of an attempt (tests give a fake; the app a DirectChannel). */
  createChannel?: (options: ConstructorParameters<typeof DirectChannel>[0]) => Channel;
}

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
  /**
   * True for a member chat's peer (a group member who is not a contact, issue 12): only their
   * typing signals are taken here; the direct path and files stay between contacts.
   */
  isMemberChat?(username: string): boolean;
}

/**
 * Fires, for any of its links: `path` (PathEvent), `chunk` (ChunkEvent), `file-control`
 * (FileControlEvent) and `transient` (TransientEvent). Envelopes and their outcomes, from either path, go to the one EnvelopeSink
 * (deliverTo), in the frames' line.
 */
export class Links extends EventTarget {
  readonly #links = new Map<string, PeerLink>();
  #iceServers: IceServer[] = [];
  #relayOnly: boolean;
  readonly #createChannel: NonNullable<LinksOptions['createChannel']>;
  #sink: EnvelopeSink | undefined;
  #frames: FrameRoutes | undefined;
  /** Receipts (delivered, refused) the chat layer has recorded: the server may forget them. */
  readonly #receiptAcks: Batcher<'receipt'>;

  constructor(
    private readonly connection: Connection,
    private readonly directory: LinkDirectory,
    private readonly sodium: Sodium,
    options: LinksOptions,
  ) {
    super();
    this.#relayOnly = options.relayOnly;
    this.#createChannel = options.createChannel ?? ((o) => new DirectChannel(o));
    this.#receiptAcks = new Batcher((_, by, ids) => this.connection.send({ t: 'receipt_ack', by, ids }));
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
        relaySend: (id, env, ttl) => this.connection.send(ttl === undefined ? { t: 'send', to: peer, id, env } : { t: 'send', to: peer, id, env, ttl }),
        relayAnswer: (answer, ids) => this.connection.send({ t: answer, from: peer, ids }),
        received: (id, env) => this.#frames?.enqueue('direct envelope', () => this.#sink?.envelope(peer, id, env)),
        answered: (ids, outcome) => this.#frames?.enqueue('direct answer', () => this.#sink?.outcome(ids, outcome, peer)),
        relay: this.connection,
        sendSignal: (payload) => this.#sendSignal(peer, payload),
        createChannel: (sid, initiator) => this.#channelFor(peer, sid, initiator),
        events: this,
      });
      this.#links.set(peer, link);
    }
    return link;
  }

  /** Where envelopes from contacts, and the outcomes of those sent, are reported (the chat layer). */
  deliverTo(sink: EnvelopeSink): void {
    this.#sink = sink;
  }

  /**
   * Subscribes to what the server says about reachability (presence, ICE servers), signals, and
   * the relay's side of envelopes: arrivals, the store's `stored`, the recipients' receipts.
   */
  attach(frames: FrameRoutes): void {
    this.#frames = frames;
    frames.on('deliver', (f) => {
      if (this.directory.isContact(f.from)) this.get(f.from).arrived(f.id, 'relay');
      return this.#sink?.envelope(f.from, f.id, f.env);
    });
    frames.on('stored', (f) => {
      for (const link of this.#links.values()) link.settled(f.id);
      return this.#sink?.outcome([f.id], 'sent', undefined);
    });
    const receipt = async (f: ServerFrameOf<'delivered' | 'refused'>) => {
      const link = this.#links.get(f.by);
      for (const id of f.ids) link?.settled(id);
      await this.#sink?.outcome(f.ids, f.t, f.by);
      this.#receiptAcks.queue('receipt', f.by, f.ids);
    };
    frames.on('delivered', receipt);
    frames.on('refused', receipt);
    frames.on('welcome', (f) => {
      this.#iceServers = f.iceServers;
      for (const c of f.contacts) this.get(c.username).setPeerOnline(c.online);
    });
    // Fresh TURN credentials before the welcome's expire: new connection attempts use them.
    frames.on('ice_servers', (f) => {
      this.#iceServers = f.iceServers;
    });
    frames.on('contact_added', (f) => this.get(f.contact.username).setPeerOnline(f.contact.online));
    frames.on('presence', (f) => this.get(f.username).setPeerOnline(f.online));
    frames.on('transient', (f) => {
      if (this.directory.isContact(f.from) || this.directory.isMemberChat?.(f.from)) this.dispatchEvent(new TransientEvent(f.from, f.id, f.env));
    });
    frames.on('signal', (f) => {
      const payload = decodeSignal(f.data);
      if (payload && this.directory.isContact(f.from)) this.get(f.from).onSignal(payload);
    });
  }

  /** Sends a sealed transient signal: on the direct channel when open, else through the server (which drops it if `peer` is offline). */
  sendTransient(peer: string, id: string, env: string): boolean {
    return this.#links.get(peer)?.sendTransient(id, env) || this.connection.send({ t: 'transient', to: peer, id, env });
  }

  closeAll(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
  }

  #sendSignal(peer: string, payload: SignalPayload): boolean {
    return this.connection.send({ t: 'signal', to: peer, data: JSON.stringify(payload) });
  }

  #channelFor(peer: string, sid: string, initiator: boolean): Channel | undefined {
    const key = this.directory.trustedKey(peer);
    const me = this.directory.me();
    if (this.#relayOnly || !key || !me) return undefined;
    return this.#createChannel({
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
