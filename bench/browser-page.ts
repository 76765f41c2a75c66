/**
 * What the browser benchmark runs inside the measured tab, installed before the app loads. It
 * sends the first message as soon as the UI lets a person do it (the contact is listed → open the
 * conversation → type → Send) and takes every timestamp in the page with performance.now(), so
 * no Playwright round trip is in the figures. It also notes when the message's relay frames pass
 * the socket and the milestones of the first RTCPeerConnection, to show where the time goes.
 *
 * The app knows nothing of this; it only leaves User Timing marks: 'parley:online' when the
 * server's welcome arrives (logged in), 'parley:path' (detail { peer, path }) when a link changes
 * path. `benchTab` is serialized into the page (Function.prototype.toString), so it is one
 * self-contained function that uses nothing from outside its body.
 */

export interface BenchTabOptions {
  peer: string;
  text: string;
  timeoutMs: number;
}

/** Milestones of the tab's first RTCPeerConnection; absent if never reached. */
export interface RtcMilestones {
  created?: number;
  /** The offer was set (locally on the offering side). */
  offer?: number;
  firstCandidate?: number;
  /** The answer was applied: signaling is done. */
  answer?: number;
  iceConnected?: number;
  /** DTLS handshake done. */
  connected?: number;
  channelOpen?: number;
}

/** One login, in ms on the page's clock (performance.now()). */
export interface TabTimes {
  /** The welcome frame arrived ('parley:online'). */
  online: number;
  /** The conversation's composer was on screen: contact listed, clicked, rendered. */
  composerReady: number;
  /** Send was clicked. */
  submitted: number;
  /** The message went out on the relay socket (absent if it went direct). */
  relaySent?: number;
  /** The server's 'delivered' receipt arrived on the socket. */
  receiptArrived?: number;
  /** The message's bubble read 'delivered'. */
  delivered: number;
  /** The link to the peer read 'direct' ('parley:path'). */
  direct: number;
  rtc: RtcMilestones;
}

export type TabResult = TabTimes | { error: string };

declare global {
  interface Window {
    __parleyBench?: Promise<TabResult>;
  }
}

export function benchTab(o: BenchTabOptions): void {
  const rtc: RtcMilestones = {};
  let seenPeerConnection = false;
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      // Only the first attempt: a retry's milestones would mix with the failed attempt's.
      if (seenPeerConnection) return;
      seenPeerConnection = true;
      const at = (key: keyof RtcMilestones) => void (rtc[key] ??= performance.now());
      at('created');
      this.addEventListener('icecandidate', (e) => e.candidate && at('firstCandidate'));
      this.addEventListener('signalingstatechange', () => at(this.signalingState === 'stable' ? 'answer' : 'offer'));
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') at('iceConnected');
      });
      this.addEventListener('connectionstatechange', () => this.connectionState === 'connected' && at('connected'));
      this.addEventListener('datachannel', (e) => e.channel.addEventListener('open', () => at('channelOpen')));
      const createDataChannel = this.createDataChannel.bind(this);
      this.createDataChannel = (label, init) => {
        const channel = createDataChannel(label, init);
        channel.addEventListener('open', () => at('channelOpen'));
        return channel;
      };
    }
  };

  // The message's two relay frames as the socket sees them: splits the round trip from the work in the tabs.
  const frames: { sent?: number; receipt?: number } = {};
  let submitted = Infinity;
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && e.data.startsWith('{"t":"delivered"') && performance.now() > submitted) frames.receipt ??= performance.now();
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string' && data.startsWith('{"t":"send"') && performance.now() > submitted) frames.sent ??= performance.now();
      super.send(data);
    }
  };

  /** Every element matching `selector` in the document and in every open shadow root. */
  const deepAll = (selector: string): Element[] => {
    const found: Element[] = [];
    const visit = (root: Document | ShadowRoot) => {
      found.push(...root.querySelectorAll(selector));
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    return found;
  };

  // DOM changes anywhere, shadow roots included: the document is watched from the start and each
  // shadow root from its creation (Lit renders into them, and nothing outside them changes then).
  const pending = new Set<() => void>();
  const observer = new MutationObserver(() => [...pending].forEach((check) => check()));
  const watch = (root: Node) => observer.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
  watch(document);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attachShadow.call(this, init);
    watch(root);
    return root;
  };

  /** Resolves with `find()`'s first result, checked after every DOM change: no polling interval adds to the times. */
  const when = <T>(find: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const hit = find();
        if (hit === undefined) return;
        pending.delete(check);
        resolve(hit);
      };
      pending.add(check);
      check();
    });

  /** The time of the first User Timing mark `name` whose detail `accept`s. */
  const markTime = (name: string, accept: (detail: { peer?: string; path?: string } | null) => boolean): Promise<number> =>
    new Promise((resolve) => {
      const find = () => (performance.getEntriesByName(name, 'mark') as PerformanceMark[]).find((m) => accept(m.detail));
      const hit = find();
      if (hit) return resolve(hit.startTime);
      const marks = new PerformanceObserver(() => {
        const mark = find();
        if (!mark) return;
        marks.disconnect();
        resolve(mark.startTime);
      });
      marks.observe({ type: 'mark' });
    });

  let stage = 'waiting for the contact to be listed';
  const run = async (): Promise<TabTimes> => {
    // The contact is listed once the welcome has been handled: the earliest a person could click it.
    const startsWithPeer = new RegExp(`^\\s*${o.peer}\\b`);
    const contact = await when(() => deepAll('button').find((b) => startsWithPeer.test(b.textContent ?? '')) as HTMLButtonElement | undefined);
    stage = 'waiting for the conversation';
    contact.click();
    const composer = await when(() =>
      (deepAll('textarea') as HTMLTextAreaElement[]).find((t) => [...(t.labels ?? [])].some((l) => l.textContent?.trim() === 'Message')),
    );
    const composerReady = performance.now();
    const send = [...(composer.form?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'Send');
    if (!send) throw new Error('no Send button beside the composer');
    composer.value = o.text;
    stage = "waiting for 'delivered'";
    submitted = performance.now();
    send.click();
    const delivered = await when(() =>
      deepAll('[role="log"] li').some((li) => li.querySelector('p')?.textContent === o.text && li.getAttribute('data-state') === 'delivered')
        ? performance.now()
        : undefined,
    );
    // Leave the page alone while the link upgrades.
    observer.disconnect();
    stage = "waiting for the path to read 'direct'";
    const direct = await markTime('parley:path', (d) => d?.peer === o.peer && d?.path === 'direct');
    const online = await markTime('parley:online', () => true);
    return { online, composerReady, submitted, relaySent: frames.sent, receiptArrived: frames.receipt, delivered, direct, rtc };
  };

  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still ${stage} after ${o.timeoutMs} ms`)), o.timeoutMs));
  window.__parleyBench = Promise.race([run(), timeout]).catch((err: Error) => ({ error: err.message }));
}
