/**
 * The raw limits beside the app's file transfers, measured between the same two tabs: a bare
 * RTCDataChannel (what the direct path could do) and the tabs' own WebSockets through the bare
 * `ws` forwarder (what the relay path could do). Both push `bytes` in `messageBytes` ArrayBuffers
 * with the app's backpressure figures, and nothing else: no sealing, no storing, no acks.
 *
 * The functions passed to page.evaluate are serialized, so each is self-contained (it uses nothing
 * from this module) and the page must tolerate tsx's `__name` helper (see allowSerializedFunctions).
 * Times are epoch milliseconds (performance.timeOrigin + now()), comparable across the two tabs.
 */
import type { Page } from '@playwright/test';

export interface RawOptions {
  bytes: number;
  messageBytes: number;
  /** Stop sending above this many buffered bytes... */
  highWater: number;
  /** ...and go on at or below this many. */
  lowWater: number;
  /** WebSocket has no drain event: how often the sender polls bufferedAmount. */
  pollMs: number;
  timeoutMs: number;
}

interface BareState {
  pc?: RTCPeerConnection;
  dc?: RTCDataChannel;
  ws?: WebSocket;
  /** Receiver: resolves with the epoch time the last byte arrived. */
  done?: Promise<number>;
}

declare global {
  interface Window {
    __bare?: BareState;
  }
}

/**
 * tsx (esbuild keepNames) wraps named functions in calls to a module helper `__name`; functions
 * serialized into the page keep those calls, so the page needs a `__name` of its own.
 */
export async function allowSerializedFunctions(page: Page): Promise<void> {
  const shim = 'globalThis.__name ??= (f) => f;';
  await page.addInitScript({ content: shim });
  await page.evaluate(shim);
}

/** Seconds for `o.bytes` over a fresh bare data channel from `tx` to `rx` (connection setup not included). */
export async function bareChannelRun(tx: Page, rx: Page, o: RawOptions): Promise<number> {
  const offer = await tx.evaluate(async () => {
    const pc = new RTCPeerConnection();
    // Ordered and reliable, as the app's channel.
    const dc = pc.createDataChannel('bare', { ordered: true });
    window.__bare = { pc, dc };
    await pc.setLocalDescription(await pc.createOffer());
    // Whole SDP, no trickle: setup time is not what is measured here.
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 3000);
    });
    return JSON.stringify(pc.localDescription);
  });
  const answer = await rx.evaluate(
    async ({ offer, bytes, timeoutMs }) => {
      const pc = new RTCPeerConnection();
      const done = new Promise<number>((resolve, reject) => {
        setTimeout(() => reject(new Error(`bare channel: not all bytes within ${timeoutMs} ms`)), timeoutMs);
        pc.addEventListener('datachannel', (e) => {
          const dc = e.channel;
          dc.binaryType = 'arraybuffer';
          let got = 0;
          dc.addEventListener('message', (m) => {
            got += (m.data as ArrayBuffer).byteLength;
            if (got >= bytes) resolve(performance.timeOrigin + performance.now());
          });
        });
      });
      done.catch(() => undefined);
      window.__bare = { pc, done };
      await pc.setRemoteDescription(JSON.parse(offer) as RTCSessionDescriptionInit);
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        setTimeout(resolve, 3000);
      });
      return JSON.stringify(pc.localDescription);
    },
    { offer, bytes: o.bytes, timeoutMs: o.timeoutMs },
  );
  try {
    const started = await tx.evaluate(
      async ({ answer, o }) => {
        const { pc, dc } = window.__bare!;
        await pc!.setRemoteDescription(JSON.parse(answer) as RTCSessionDescriptionInit);
        if (dc!.readyState !== 'open') {
          await new Promise<void>((resolve, reject) => {
            dc!.addEventListener('open', () => resolve());
            setTimeout(() => reject(new Error('bare channel did not open within 10 s')), 10_000);
          });
        }
        const message = new Uint8Array(o.messageBytes);
        for (let i = 0; i < message.length; i += 65_536) crypto.getRandomValues(message.subarray(i, i + 65_536));
        dc!.bufferedAmountLowThreshold = o.lowWater;
        const start = performance.timeOrigin + performance.now();
        for (let sent = 0; sent < o.bytes; sent += o.messageBytes) {
          if (dc!.bufferedAmount > o.highWater) {
            await new Promise<void>((resolve) => dc!.addEventListener('bufferedamountlow', () => resolve(), { once: true }));
          }
          dc!.send(message.buffer);
        }
        return start;
      },
      { answer, o },
    );
    const finished = await rx.evaluate(() => window.__bare!.done!);
    return (finished - started) / 1000;
  } finally {
    for (const page of [tx, rx]) {
      await page.evaluate(() => {
        window.__bare?.pc?.close();
        window.__bare = undefined;
      });
    }
  }
}

/**
 * Seconds for `o.bytes` from `tx` to `rx` over their own WebSockets through the bare forwarder at
 * `wsOrigin` (ws://host:port), polling bufferedAmount as the app's relay path does.
 */
export async function bareSocketRun(tx: Page, rx: Page, wsOrigin: string, tag: string, o: RawOptions): Promise<number> {
  const url = (me: string, to: string) => `${wsOrigin}/?id=${me}-${tag}&to=${to}-${tag}`;
  // The receiver registers first, so the forwarder knows where the sender's first frame goes.
  await rx.evaluate(
    async ({ url, bytes, timeoutMs }) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      const done = new Promise<number>((resolve, reject) => {
        setTimeout(() => reject(new Error(`bare socket: not all bytes within ${timeoutMs} ms`)), timeoutMs);
        let got = 0;
        ws.addEventListener('message', (m) => {
          got += (m.data as ArrayBuffer).byteLength;
          if (got >= bytes) resolve(performance.timeOrigin + performance.now());
        });
      });
      done.catch(() => undefined);
      window.__bare = { ws, done };
      await new Promise((resolve, reject) => {
        ws.addEventListener('open', resolve);
        ws.addEventListener('error', () => reject(new Error(`cannot open ${url}`)));
      });
    },
    { url: url('rx', 'tx'), bytes: o.bytes, timeoutMs: o.timeoutMs },
  );
  try {
    const started = await tx.evaluate(
      async ({ url, o }) => {
        const ws = new WebSocket(url);
        ws.binaryType = 'arraybuffer';
        window.__bare = { ws };
        await new Promise((resolve, reject) => {
          ws.addEventListener('open', resolve);
          ws.addEventListener('error', () => reject(new Error(`cannot open ${url}`)));
        });
        const message = new Uint8Array(o.messageBytes);
        for (let i = 0; i < message.length; i += 65_536) crypto.getRandomValues(message.subarray(i, i + 65_536));
        const start = performance.timeOrigin + performance.now();
        for (let sent = 0; sent < o.bytes; sent += o.messageBytes) {
          if (ws.bufferedAmount > o.highWater) {
            while (ws.bufferedAmount > o.lowWater) await new Promise((resolve) => setTimeout(resolve, o.pollMs));
          }
          ws.send(message.buffer);
        }
        return start;
      },
      { url: url('tx', 'rx'), o },
    );
    const finished = await rx.evaluate(() => window.__bare!.done!);
    return (finished - started) / 1000;
  } finally {
    for (const page of [tx, rx]) {
      await page.evaluate(() => {
        window.__bare?.ws?.close();
        window.__bare = undefined;
      });
    }
  }
}
