/**
 * One attempt at a direct WebRTC data channel with a contact (simple-peer), and the check that
 * makes it trustworthy: both sides sign their DTLS fingerprints with their identity keys, so a
 * signaling server that substituted fingerprints (a man in the middle) is detected and the
 * channel is refused. Only after both hellos check out does the channel carry envelopes.
 */
import './prelude';
import SimplePeer from 'simple-peer';
import {
  type ChannelFrame,
  type RtcSignal,
  decodeChannelFrame,
  sdpFingerprint,
  signBinding,
  verifyBinding,
} from '../../../shared/peer-protocol';
import type { IceServer } from '../../../shared/protocol';
import type { Identity } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';

export interface DirectChannelOptions {
  sid: string;
  initiator: boolean;
  me: Identity;
  peer: string;
  /** The contact's pinned identity key: the only key their hello may be signed with. */
  peerKey: Uint8Array;
  iceServers: IceServer[];
  sodium: Sodium;
  /** Sends a signal to the contact through the server. */
  sendSignal: (signal: RtcSignal) => void;
}

/**
 * TEST SWITCH: `localStorage['parley:test:ice-relay'] = '1'` makes new connections gather TURN
 * (relay) candidates only, so a test can prove a data channel opens through a TURN server
 * (e2e/turn.spec.ts). Not a user setting: relay-only privacy is the app's relay mode, which creates
 * no RTCPeerConnection at all.
 */
export const ICE_RELAY_TEST_SWITCH = 'parley:test:ice-relay';

function relayOnlyIceForTests(): boolean {
  try {
    return globalThis.localStorage?.getItem(ICE_RELAY_TEST_SWITCH) === '1';
  } catch {
    return false;
  }
}

export class ChannelFrameEvent extends Event {
  constructor(readonly frame: Exclude<ChannelFrame, { t: 'hello' }>) {
    super('frame');
  }
}

/** A binary message on the channel: a sealed file chunk. */
export class ChannelChunkEvent extends Event {
  constructor(readonly bytes: Uint8Array) {
    super('chunk');
  }
}

/**
 * Events: `open` (verified both ways; envelopes may flow), `frame` (ChannelFrameEvent),
 * `closed` (gone, for whatever reason; fired once), `refused` (the binding check failed).
 */
export class DirectChannel extends EventTarget {
  readonly sid: string;
  #peer: SimplePeer.Instance;
  #localFp: string | undefined;
  #remoteFp: string | undefined;
  #theyVerified = false;
  #helloSent = false;
  #open = false;
  #closed = false;

  constructor(private readonly o: DirectChannelOptions) {
    super();
    this.sid = o.sid;
    this.#peer = new SimplePeer({
      initiator: o.initiator,
      trickle: true,
      config: { iceServers: o.iceServers, iceTransportPolicy: relayOnlyIceForTests() ? 'relay' : 'all' },
      channelConfig: { ordered: true },
      // Text frames stay strings and binary chunks stay bytes (simple-peer would make both Buffers).
      objectMode: true,
    });
    this.#peer.on('signal', (signal) => {
      const s = signal as RtcSignal;
      if ((s.type === 'offer' || s.type === 'answer') && s.sdp) this.#localFp = sdpFingerprint(s.sdp);
      o.sendSignal(s);
    });
    this.#peer.on('connect', () => this.#sendHello());
    this.#peer.on('data', (data: Uint8Array | string) => {
      if (typeof data === 'string') this.#onData(data);
      else if (this.#open) this.dispatchEvent(new ChannelChunkEvent(data));
    });
    this.#peer.on('close', () => this.#finish());
    this.#peer.on('error', () => this.#finish());
  }

  get open(): boolean {
    return this.#open;
  }

  /** A signal from the contact for this attempt. */
  signal(signal: RtcSignal): void {
    if (this.#closed) return;
    if ((signal.type === 'offer' || signal.type === 'answer') && signal.sdp) this.#remoteFp = sdpFingerprint(signal.sdp);
    try {
      this.#peer.signal(signal as SimplePeer.SignalData);
    } catch {
      this.#finish();
    }
  }

  /** Sends a frame if the channel is open and verified; false otherwise. */
  send(frame: Exclude<ChannelFrame, { t: 'hello' }>): boolean {
    if (!this.#open) return false;
    try {
      this.#peer.send(JSON.stringify(frame));
      return true;
    } catch {
      this.#finish();
      return false;
    }
  }

  /** Sends a sealed chunk as one binary message; false if the channel is not open. */
  sendBinary(bytes: Uint8Array): boolean {
    if (!this.#open) return false;
    try {
      this.#peer.send(bytes);
      return true;
    } catch {
      this.#finish();
      return false;
    }
  }

  /** Bytes queued in the data channel and not yet sent. */
  get bufferedAmount(): number {
    return this.#peer.bufferSize;
  }

  /** Resolves once the channel's queue is at or below `lowWater` bytes (or the channel is gone). */
  waitForDrain(lowWater: number): Promise<void> {
    // simple-peer keeps the RTCDataChannel to itself; its own stream backpressure uses the same event.
    const channel = (this.#peer as unknown as { _channel?: RTCDataChannel })._channel;
    if (!channel || this.#closed || channel.bufferedAmount <= lowWater) return Promise.resolve();
    channel.bufferedAmountLowThreshold = lowWater;
    return new Promise((resolve) => {
      const done = () => {
        channel.removeEventListener('bufferedamountlow', done);
        this.removeEventListener('closed', done);
        resolve();
      };
      channel.addEventListener('bufferedamountlow', done);
      this.addEventListener('closed', done);
    });
  }

  close(): void {
    this.#finish();
  }

  #sendHello(): void {
    if (!this.#localFp || !this.#remoteFp) {
      this.#refuse();
      return;
    }
    const sig = signBinding(this.o.sodium, this.o.me.secretKey, this.o.me.username, this.o.peer, this.#localFp, this.#remoteFp);
    this.#peer.send(JSON.stringify({ t: 'hello', fp: this.#localFp, peerFp: this.#remoteFp, sig } satisfies ChannelFrame));
    this.#helloSent = true;
    this.#maybeOpen();
  }

  #onData(text: string): void {
    const frame = decodeChannelFrame(text);
    if (!frame) return;
    if (frame.t === 'hello') {
      const ok =
        this.#localFp !== undefined &&
        this.#remoteFp !== undefined &&
        verifyBinding(this.o.sodium, frame, {
          from: this.o.peer,
          to: this.o.me.username,
          fromKey: this.o.peerKey,
          fromFp: this.#remoteFp,
          toFp: this.#localFp,
        });
      if (!ok) {
        this.#refuse();
        return;
      }
      this.#theyVerified = true;
      this.#maybeOpen();
      return;
    }
    // Nothing but a hello counts before both sides are verified.
    if (this.#open) this.dispatchEvent(new ChannelFrameEvent(frame));
  }

  #maybeOpen(): void {
    if (this.#open || !this.#helloSent || !this.#theyVerified) return;
    this.#open = true;
    this.dispatchEvent(new Event('open'));
  }

  #refuse(): void {
    console.warn(`parley: the direct channel with ${this.o.peer} failed its identity check; staying on the relay`);
    this.dispatchEvent(new Event('refused'));
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#open = false;
    this.#peer.destroy();
    this.dispatchEvent(new Event('closed'));
  }
}
