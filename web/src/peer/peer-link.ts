/**
 * The link to one contact: starts on the relay so the first message never waits, moves to a
 * verified direct data channel when one opens, and falls back to the relay when it drops, then
 * tries direct again with backoff. Ordering across a switch: the link goes direct only once
 * everything it sent on the relay has been acknowledged, and when direct drops it re-sends what
 * the channel had not acknowledged on the relay before anything new. Receivers drop duplicates.
 * Both ways the chat layer never sees the path: what arrives is reported the same from either, and
 * `ack`/`refuse` answer each envelope on the path it came by.
 */
import type { FileControl, RtcSignal, SignalPayload } from '../../../shared/peer-protocol';
import type { Connection } from '../net/connection';
import type { Link, LinkPath } from './link';
import type { ChannelChunkEvent, ChannelFrameEvent, DirectChannel } from './direct-channel';
import { Arrivals } from './arrivals';
import { ChunkEvent, FileControlEvent, PathEvent, TransientEvent } from './link-events';

export { ChunkEvent, FileControlEvent, PathEvent, TransientEvent } from './link-events';

/** What the link needs of a direct channel attempt (direct-channel.ts; a fake in tests). */
export type Channel = Pick<DirectChannel, 'sid' | 'open' | 'send' | 'sendBinary' | 'bufferedAmount' | 'waitForDrain' | 'signal' | 'close'> &
  EventTarget;

export interface PeerLinkDeps {
  peer: string;
  /** The deterministic glare rule: only the side whose name sorts first offers. */
  initiator: boolean;
  /** `ttl`: a disappearing message's timer (seconds), for the server's queue (the send frame's). */
  relaySend: (id: string, env: string, ttl?: number) => boolean;
  /** Answers envelopes that came through the server. */
  relayAnswer: (answer: 'ack' | 'refuse', ids: string[]) => void;
  /** The server connection, for file chunks on the relay path. */
  relay: Pick<Connection, 'sendBinary' | 'bufferedAmount' | 'waitForDrain'>;
  /** Sends a signal through the server; false if not connected. */
  sendSignal: (payload: SignalPayload) => boolean;
  /** Makes a channel for attempt `sid`, or undefined when direct is not allowed now. */
  createChannel: (sid: string, initiator: boolean) => Channel | undefined;
  /** An envelope arrived on the direct channel (relayed ones reach the chat layer from the server's frames). */
  received: (id: string, env: string) => void;
  /** The contact answered envelopes sent on the direct channel. */
  answered: (ids: string[], outcome: 'delivered' | 'refused') => void;
  /** Where the link reports `path`, `chunk` and `file-control` events (shared by all links). */
  events: EventTarget;
}

const CONNECT_TIMEOUT_MS = 10_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/** Reports `path` (PathEvent), `chunk` (ChunkEvent) and `file-control` (FileControlEvent) on `deps.events`. */
export class PeerLink implements Link {
  path: LinkPath = 'relay';
  readonly peer: string;
  #channel: Channel | undefined;
  /** Sent on the relay, not yet stored or delivered: the link stays on the relay until this drains. */
  readonly #relayPending = new Set<string>();
  /** Sent on the channel, not yet acknowledged by the contact, in send order. */
  readonly #directUnacked = new Map<string, [env: string, ttl: number | undefined]>();
  /** Arrivals not yet answered, so each is answered on the path it came by. */
  readonly #arrivals = new Arrivals();
  #peerOnline = false;
  #declined = false;
  #retryMs = RETRY_MIN_MS;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(private readonly d: PeerLinkDeps) {
    this.peer = d.peer;
  }

  send(id: string, env: string, ttl?: number): boolean {
    if (this.#channel?.open && this.#relayPending.size === 0 && this.#channel.send({ t: 'env', id, env })) {
      this.#directUnacked.set(id, [env, ttl]);
      return true;
    }
    this.#relayPending.add(id);
    return this.d.relaySend(id, env, ttl);
  }

  /**
   * File chunks need no ordering across a switch (the receiver takes them in order and asks again
   * from any gap), so they simply take whichever path is up now.
   */
  sendChunk(bytes: Uint8Array): boolean {
    const channel = this.#directChannel;
    return channel ? channel.sendBinary(bytes) : this.d.relay.sendBinary(this.peer, bytes);
  }

  sendFileControl(ctl: FileControl): boolean {
    const channel = this.#directChannel;
    if (channel?.send({ t: 'file', ctl })) return true;
    return this.d.sendSignal({ kind: 'file', ctl });
  }

  /** Sends a transient signal on the direct channel when it is open; false otherwise (the caller uses the server). */
  sendTransient(id: string, env: string): boolean {
    return this.#directChannel?.send({ t: 'transient', id, env }) ?? false;
  }

  get bufferedAmount(): number {
    return this.#directChannel?.bufferedAmount ?? this.d.relay.bufferedAmount;
  }

  waitForDrain(lowWater: number): Promise<void> {
    const channel = this.#directChannel;
    return channel ? channel.waitForDrain(lowWater) : this.d.relay.waitForDrain(lowWater);
  }

  /** The channel, when the link is direct now. */
  get #directChannel(): Channel | undefined {
    return this.path === 'direct' && this.#channel?.open ? this.#channel : undefined;
  }

  /** The server stored or the contact answered `id` (reported by Links from the server's frames). */
  settled(id: string): boolean {
    this.#directUnacked.delete(id);
    return this.#relayPending.delete(id);
  }

  /** An envelope came on `path`: counted, so its answer goes back the same way. */
  arrived(id: string, path: LinkPath): void {
    this.#arrivals.arrived(id, path);
  }

  ack(ids: readonly string[]): void {
    this.#answer('ack', ids);
  }

  refuse(ids: readonly string[]): void {
    this.#answer('refuse', ids);
  }

  /**
   * Answers each envelope on the path it came by: one waiting arrival on each path it came on
   * (relay, direct or both); an id with none waiting (forgotten) is answered on the relay. On the
   * relay the server forgets it then; on the channel the sender does. If the channel is gone, its
   * envelopes go unanswered: their sender re-sends them on the relay, and they are answered there.
   */
  #answer(answer: 'ack' | 'refuse', ids: readonly string[]): void {
    const { relay, direct } = this.#arrivals.route(ids);
    if (relay.length > 0) this.d.relayAnswer(answer, relay);
    if (direct.length > 0) this.#channel?.send({ t: answer, ids: direct });
  }

  /** The contact's presence, as the server reports it: attempts only make sense while they are online. */
  setPeerOnline(online: boolean): void {
    this.#peerOnline = online;
    if (!online) {
      this.#declined = false;
      this.#drop();
      return;
    }
    this.#retryMs = RETRY_MIN_MS;
    this.#scheduleAttempt(0);
  }

  /**
   * The relay-only setting changed. Off → on: the channel closes at once and the contact is told
   * not to offer. On → off: the offering side starts over, the answering side asks for an offer.
   */
  setDirectAllowed(allowed: boolean): void {
    this.#drop();
    if (!allowed) {
      if (this.#peerOnline) this.d.sendSignal({ kind: 'decline' });
      return;
    }
    if (this.d.initiator) this.#scheduleAttempt(0);
    else if (this.#peerOnline) this.d.sendSignal({ kind: 'ready' });
  }

  onSignal(payload: SignalPayload): void {
    if (this.#closed) return;
    if (payload.kind === 'decline') {
      this.#declined = true;
      this.#drop();
      return;
    }
    if (payload.kind === 'ready') {
      this.#declined = false;
      if (this.d.initiator && !this.#channel) this.#scheduleAttempt(0);
      return;
    }
    if (payload.kind === 'file') {
      this.d.events.dispatchEvent(new FileControlEvent(this.peer, payload.ctl));
      return;
    }
    if (this.#channel?.sid !== payload.sid) {
      // Only the initiator starts attempts; the answering side follows the newest one.
      if (this.d.initiator || payload.signal.type !== 'offer') return;
      this.#drop();
      if (!this.#start(payload.sid, false)) {
        this.d.sendSignal({ kind: 'decline' });
        return;
      }
    }
    this.#channel!.signal(payload.signal as RtcSignal);
  }

  /** Tears down the direct path for good (logout, contact removed). */
  close(): void {
    this.#closed = true;
    this.#drop();
  }

  #scheduleAttempt(delayMs: number): void {
    if (!this.d.initiator || this.#closed || this.#declined || !this.#peerOnline || this.#channel) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      if (!this.#channel && this.#peerOnline && !this.#declined) this.#start(crypto.randomUUID(), true);
    }, delayMs);
  }

  #start(sid: string, initiator: boolean): boolean {
    const channel = this.d.createChannel(sid, initiator);
    if (!channel) return false;
    this.#channel = channel;
    this.#connectTimer = setTimeout(() => channel.close(), CONNECT_TIMEOUT_MS);
    channel.addEventListener('open', () => {
      clearTimeout(this.#connectTimer);
      this.#retryMs = RETRY_MIN_MS;
      this.#setPath('direct');
    });
    channel.addEventListener('frame', (e) => this.#onFrame((e as ChannelFrameEvent).frame));
    channel.addEventListener('chunk', (e) => this.d.events.dispatchEvent(new ChunkEvent(this.peer, (e as ChannelChunkEvent).bytes)));
    channel.addEventListener('refused', () => {
      // A failed identity check is not a network hiccup: wait long before trying again.
      this.#retryMs = RETRY_MAX_MS;
    });
    channel.addEventListener('closed', () => {
      clearTimeout(this.#connectTimer);
      if (this.#channel !== channel) return;
      this.#channel = undefined;
      this.#fallBack();
      const delay = this.#retryMs;
      this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
      this.#scheduleAttempt(delay * (0.5 + Math.random() / 2));
    });
    return true;
  }

  #onFrame(frame: Parameters<DirectChannel['send']>[0]): void {
    if (frame.t === 'env') {
      this.arrived(frame.id, 'direct');
      this.d.received(frame.id, frame.env);
    } else if (frame.t === 'ack' || frame.t === 'refuse') {
      for (const id of frame.ids) this.#directUnacked.delete(id);
      this.d.answered(frame.ids, frame.t === 'ack' ? 'delivered' : 'refused');
    } else if (frame.t === 'file') this.d.events.dispatchEvent(new FileControlEvent(this.peer, frame.ctl));
    else if (frame.t === 'transient') this.d.events.dispatchEvent(new TransientEvent(this.peer, frame.id, frame.env));
  }

  /** Back to the relay: what the channel did not confirm goes again, in its original order. */
  #fallBack(): void {
    this.#setPath('relay');
    const unacked = [...this.#directUnacked];
    this.#directUnacked.clear();
    for (const [id, [env, ttl]] of unacked) {
      this.#relayPending.add(id);
      this.d.relaySend(id, env, ttl);
    }
  }

  #drop(): void {
    clearTimeout(this.#retryTimer);
    const channel = this.#channel;
    this.#channel = undefined;
    channel?.close();
    if (channel) this.#fallBack();
  }

  #setPath(path: LinkPath): void {
    if (this.path === path) return;
    this.path = path;
    // A User Timing mark: when the link upgraded or fell back shows on DevTools' performance
    // timeline, beside the connection's marks; the browser benchmark reads it too.
    performance.mark('parley:path', { detail: { peer: this.peer, path } });
    this.d.events.dispatchEvent(new PathEvent(this.peer));
  }
}
