/**
 * Instrumentation injected into every test page before the app loads: counts RTCPeerConnection
 * constructions and the envelopes data channels carry, keeps the channels so a test can close
 * them, and can corrupt the fingerprint in outgoing identity hellos (a stand-in for a signaling
 * man in the middle). The app knows nothing of it.
 */
export interface RtcProbe {
  peerConnections: number;
  sentEnvelopes: number;
  receivedEnvelopes: number;
  hellosSent: number;
  tamperHello: boolean;
  channels: RTCDataChannel[];
}

declare global {
  interface Window {
    __rtc: RtcProbe;
  }
}

export function installRtcProbe(): void {
  const probe: RtcProbe = { peerConnections: 0, sentEnvelopes: 0, receivedEnvelopes: 0, hellosSent: 0, tamperHello: false, channels: [] };
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
        else if (ev.data instanceof ArrayBuffer && new TextDecoder().decode(ev.data).includes('"t":"env"')) probe.receivedEnvelopes++;
        fn(ev);
      }));
    },
  });
}
