/**
 * Instrumentation injected into every test page before the app loads: counts RTCPeerConnection
 * constructions, the envelopes data channels carry and the binary bytes (file chunks) that data
 * channels and WebSockets carry each way, keeps the channels so a test can close
 * them, and can corrupt the fingerprint in outgoing identity hellos (a stand-in for a signaling
 * man in the middle). The app knows nothing of it.
 */
export interface RtcProbe {
  peerConnections: number;
  sentEnvelopes: number;
  receivedEnvelopes: number;
  hellosSent: number;
  /** Binary bytes sent / received on data channels (file chunks on the direct path). */
  channelBytesSent: number;
  channelBytesReceived: number;
  /** Binary bytes sent / received on WebSockets (file chunks on the relay path). */
  socketBytesSent: number;
  socketBytesReceived: number;
  /** File `want` requests sent through the server (relay path), as {fileId, from}. */
  relayWants: Array<{ fileId: string; from: number }>;
  tamperHello: boolean;
  channels: RTCDataChannel[];
}

declare global {
  interface Window {
    __rtc: RtcProbe;
  }
}

export function installRtcProbe(): void {
  const probe: RtcProbe = { peerConnections: 0, sentEnvelopes: 0, receivedEnvelopes: 0, hellosSent: 0, tamperHello: false, channels: [],
    channelBytesSent: 0, channelBytesReceived: 0, socketBytesSent: 0, socketBytesReceived: 0, relayWants: [] };
  const binaryBytes = (data: unknown) => (data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0);
  window.__rtc = probe;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      probe.peerConnections++;
    }
  };
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView) {
    if (!probe.channels.includes(this)) probe.channels.push(this);
    probe.channelBytesSent += binaryBytes(data);
    if (typeof data === 'string') {
      if (data.includes('"t":"env"')) probe.sentEnvelopes++;
      if (data.includes('"t":"hello"')) {
        probe.hellosSent++;
        // Flip one hex digit of our own fingerprint: the DTLS session is fine, the claim is not.
        if (probe.tamperHello) data = data.replace(/"fp":"(sha-256 )(.)/, (_m, alg: string, c: string) => `"fp":"${alg}${c === 'A' ? 'B' : 'A'}`);
      }
    }
    return (send as (this: RTCDataChannel, d: typeof data) => void).call(this, data);
  };
  const onmessage = Object.getOwnPropertyDescriptor(RTCDataChannel.prototype, 'onmessage')!;
  Object.defineProperty(RTCDataChannel.prototype, 'onmessage', {
    configurable: true,
    get() {
      return onmessage.get!.call(this);
    },
    set(this: RTCDataChannel, fn: ((ev: MessageEvent) => void) | null) {
      if (!probe.channels.includes(this)) probe.channels.push(this);
      onmessage.set!.call(this, fn && ((ev: MessageEvent) => {
        if (typeof ev.data === 'string' && ev.data.includes('"t":"env"')) probe.receivedEnvelopes++;
        else probe.channelBytesReceived += binaryBytes(ev.data);
        fn(ev);
      }));
    },
  });
  const wsSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: string | Blob | ArrayBufferLike | ArrayBufferView) {
    probe.socketBytesSent += binaryBytes(data);
    if (typeof data === 'string' && data.includes('want')) {
      try {
        const frame = JSON.parse(data) as { t: string; data?: string };
        const payload = frame.t === 'signal' && frame.data ? (JSON.parse(frame.data) as { kind: string; ctl?: { op: string; fileId: string; from: number } }) : undefined;
        if (payload?.kind === 'file' && payload.ctl?.op === 'want') probe.relayWants.push({ fileId: payload.ctl.fileId, from: payload.ctl.from });
      } catch {
        // not JSON: not ours to count
      }
    }
    return wsSend.call(this, data);
  };
  const wsOnmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!;
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() {
      return wsOnmessage.get!.call(this);
    },
    set(this: WebSocket, fn: ((ev: MessageEvent) => void) | null) {
      wsOnmessage.set!.call(this, fn && ((ev: MessageEvent) => {
        probe.socketBytesReceived += binaryBytes(ev.data);
        fn(ev);
      }));
    },
  });
}
