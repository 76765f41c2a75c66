/**
 * Connection floods anyone can run with no account: TCP connections that never send a byte,
 * WebSockets that never log in (each from the flood's one address, or spread over many, as a
 * botnet would), and big unauthenticated frames. Connections are held for `holdMs` (by default past
 * the 10 s login deadline the server is to enforce), so its deadlines show as well as its caps.
 */
import net from 'node:net';
import type { WebSocket } from 'ws';
import { type Flood, type FloodContext, type FloodKind } from './hostile-floods';
import { Tally, errorCode, loopback, openAt, pump } from './hostile-net';
import { mapLimit, opened } from './parley-client';
import { fmt, median, sleep } from './stats';

const ATTEMPT_TIMEOUT_MS = 5000;
/** Connections being opened at once (the server's listen backlog is 511). */
const OPENING = 128;
/** Addresses of a spread flood: a few connections each, under any sane per-address cap. */
const SPREAD_ADDRESSES = 500;

/** Opens `count` connections with `open` (OPENING at a time) within `holdMs`, holds them to its end, then calls `ending`. */
async function holdConnections<T>(count: number, holdMs: number, open: (i: number) => Promise<T>, ending: () => void): Promise<{ held: T[]; failed: Tally }> {
  const end = performance.now() + holdMs;
  const held: T[] = [];
  const failed = new Tally();
  await mapLimit(Array.from({ length: count }), OPENING, async (_, i) => {
    if (performance.now() > end) return;
    try {
      held.push(await open(i));
    } catch (err) {
      failed.add(errorCode(err));
    }
  });
  await sleep(end - performance.now());
  ending();
  return { held, failed };
}

/** When the server closed connections it was holding, seconds after they opened. */
function closedFigures(ages: number[], opened: number): Record<string, number | string> {
  return {
    'connections opened': opened,
    'closed by the server': ages.length,
    ...(ages.length ? { 'median s open before the server closed one': Number((median(ages) / 1000).toFixed(1)) } : {}),
  };
}

const from = (ctx: FloodContext, spread: boolean) => (i: number) => (spread ? loopback(5, i % SPREAD_ADDRESSES) : ctx.address);
const fromWords = (spread: boolean) => (spread ? `from ${SPREAD_ADDRESSES} addresses` : 'from one address');

/** 4. TCP connections that never send a byte. */
function idleTcpFlood(ctx: FloodContext, spread: boolean): Flood {
  const address = from(ctx, spread);
  return {
    setup: async () => undefined,
    async run() {
      const ages: number[] = [];
      let over = false;
      const open = (i: number) =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({ host: '127.0.0.1', port: ctx.port, localAddress: address(i) });
          s.once('error', reject);
          s.once('connect', () => {
            const at = performance.now();
            s.on('error', () => {});
            s.once('close', () => void (!over && ages.push(performance.now() - at)));
            s.resume();
            resolve(s);
          });
        });
      const count = spread ? ctx.o.idleSpreadConnections : ctx.o.idleConnections;
      const { held, failed } = await holdConnections(count, ctx.o.holdMs, open, () => (over = true));
      for (const s of held) s.destroy();
      return {
        did: `${fmt(held.length)} TCP connections ${fromWords(spread)} that never send a byte, held ${fmt(ctx.o.holdMs / 1000)} s`,
        server: failed.counts,
        figures: closedFigures(ages, held.length),
      };
    },
    close: async () => {},
  };
}

/** 5. WebSockets that open and never log in. */
function unauthFlood(ctx: FloodContext, spread: boolean): Flood {
  const address = from(ctx, spread);
  return {
    setup: async () => undefined,
    async run() {
      const ages: number[] = [];
      const tally = new Tally();
      let over = false;
      const open = async (i: number): Promise<WebSocket> => {
        const ws = openAt(ctx.port, address(i));
        tally.watch(ws);
        await opened(ws, ATTEMPT_TIMEOUT_MS);
        const at = performance.now();
        ws.once('close', () => void (!over && ages.push(performance.now() - at)));
        return ws;
      };
      const { held, failed } = await holdConnections(ctx.o.unauthConnections, ctx.o.holdMs, open, () => (over = true));
      // Counted before our own closes, which are not the server's doing; refusals are in the tally
      // already, other failures (a timeout) are not.
      const server = tally.drain();
      for (const [k, v] of Object.entries(failed.counts)) if (!k.startsWith('HTTP') && k !== 'ECONNRESET') server[`open failed: ${k}`] = v;
      for (const ws of held) ws.terminate();
      return {
        did: `${fmt(held.length)} WebSockets ${fromWords(spread)} that never log in, held ${fmt(ctx.o.holdMs / 1000)} s`,
        server,
        figures: closedFigures(ages, held.length),
      };
    },
    close: async () => {},
  };
}

/** 96 KiB of nested arrays: the documented frame limit, the deepest JSON that fits in it. */
const NESTED = '['.repeat(48 * 1024) + ']'.repeat(48 * 1024);

/** 5c. Unauthenticated connections sending 96 KiB frames of nested arrays as fast as they drain; reconnecting when cut. */
function bigFrameFlood(ctx: FloodContext): Flood {
  return {
    setup: async () => undefined,
    async run(durationMs) {
      const end = performance.now() + durationMs;
      const tally = new Tally();
      let frames = 0;
      let connections = 0;
      await Promise.all(
        Array.from({ length: ctx.o.bigFrameConnections }, async () => {
          while (performance.now() < end) {
            const ws = openAt(ctx.port, ctx.address);
            tally.watch(ws, new Set(['challenge']));
            connections++;
            try {
              await opened(ws, ATTEMPT_TIMEOUT_MS);
              const sent = await pump(ws, () => NESTED, { durationMs: end - performance.now(), maxBuffered: 1024 * 1024 });
              frames += sent; // not `frames += await …`: that would read `frames` before the wait
            } catch {
              await sleep(10); // refused: counted by the tally; try again
            }
            await tally.hangUp(ws);
          }
        }),
      );
      await sleep(100);
      return {
        did: `${fmt(frames)} frames of 96 KiB nested arrays (${fmt((frames * NESTED.length) / 2 ** 20)} MiB) on ${fmt(connections)} unauthenticated connections`,
        server: tally.drain(),
        figures: {},
      };
    },
    close: async () => {},
  };
}

export const connectionFloods = {
  'idle-tcp': { title: '4 idle TCP connections, one address', make: (ctx) => idleTcpFlood(ctx, false) },
  'idle-tcp-spread': { title: `4b idle TCP connections, ${SPREAD_ADDRESSES} addresses`, make: (ctx) => idleTcpFlood(ctx, true) },
  'unauth-ws': { title: '5 WebSockets never logging in, one address', make: (ctx) => unauthFlood(ctx, false) },
  'unauth-ws-spread': { title: `5b WebSockets never logging in, ${SPREAD_ADDRESSES} addr.`, make: (ctx) => unauthFlood(ctx, true) },
  'big-frames': { title: '5c unauthenticated 96 KiB nested frames', make: bigFrameFlood },
} satisfies Record<string, FloodKind>;
