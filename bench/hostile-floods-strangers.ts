/**
 * Floods anyone can run, with no account or with fresh ones: registrations, contact requests from
 * fresh accounts, idle TCP connections, WebSockets that never log in, and big unauthenticated
 * frames. Each runs from the flood's one address unless said otherwise.
 */
import net from 'node:net';
import { WebSocket } from 'ws';
import { encodeFrame } from '../shared/protocol';
import { type Flood, type FloodContext, type FloodKind, accounts, victimFigures } from './hostile-floods';
import { type Keyed, type Live, Tally, closeSocket, errorCode, loginAt, loopback, openAt, pump, registerAt } from './hostile-net';
import { victimLogin } from './hostile-victim';
import { mapLimit, opened } from './parley-client';
import { fmt, median, sleep } from './stats';

/** Registrations (or logins) in flight at once from the attacker. */
const WORKERS = 16;
const ATTEMPT_TIMEOUT_MS = 5000;
/** Connections being opened at once (the server's listen backlog is 511). */
const OPENING = 128;
/** Pre-made accounts per address at most, if the server does not stop them sooner. */
const PER_ADDRESS = 100;
const MAX_ADDRESSES = 2000;

/** Runs `attempt` on WORKERS workers, again and again, until `durationMs` is over. */
async function untilDeadline(durationMs: number, attempt: (worker: number) => Promise<void>): Promise<void> {
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      while (performance.now() < end) await attempt(w);
    }),
  );
}

/** Sends a contact request on a logged-in connection; resolves with `request_sent` or the server's code. */
async function request(live: Live, to: string): Promise<string> {
  live.ws.send(encodeFrame({ t: 'contact_request', to }));
  try {
    await live.inbox.next('request_sent', ATTEMPT_TIMEOUT_MS);
    return 'request_sent';
  } catch (err) {
    return `error ${errorCode(err)}`;
  } finally {
    await closeSocket(live.ws);
  }
}

/** The victim account, made and left offline. */
async function offlineVictim(ctx: FloodContext): Promise<Keyed> {
  const [v] = await accounts(ctx, ['victim']);
  await closeSocket(v!.ws);
  return v!.keyed;
}

/** 2. Fresh accounts, registered from one address as fast as it goes, each asks the victim; then the victim logs in. */
function requestFlood(ctx: FloodContext): Flood {
  let victim: Keyed;
  const tally = new Tally();
  return {
    async setup() {
      victim = await offlineVictim(ctx);
      return undefined;
    },
    async run(durationMs) {
      let n = 0;
      await untilDeadline(durationMs, async (w) => {
        try {
          const live = await registerAt(ctx.sodium, ctx.port, `rq${w}x${(n++).toString(36)}`, ctx.address, ATTEMPT_TIMEOUT_MS);
          tally.add('registered');
          tally.add(await request(live, victim.username));
        } catch (err) {
          tally.add(`error ${errorCode(err)}`);
        }
      });
      const v = await victimLogin(ctx.sodium, ctx.port, victim, { deadlineMs: ctx.o.victimDeadlineMs, quietMs: 500 });
      return { did: `${fmt(n)} registrations from one address, each account then asks the victim; then the victim logs in`, server: tally.drain(), figures: victimFigures(v) };
    },
    close: async () => {},
  };
}

/**
 * 2b. The same with accounts made beforehand from many addresses (as many per address as the
 * server lets through, at most PER_ADDRESS): what a per-address registration limit cannot stop.
 */
function spreadRequestFlood(ctx: FloodContext): Flood {
  let victim: Keyed;
  const made: Keyed[] = [];
  const tally = new Tally();
  return {
    async setup() {
      victim = await offlineVictim(ctx);
      const refused = new Tally();
      let address = 0;
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (made.length < ctx.o.spreadAccounts && address < MAX_ADDRESSES) {
            const a = address++;
            for (let i = 0; i < PER_ADDRESS && made.length < ctx.o.spreadAccounts; i++) {
              try {
                const live = await registerAt(ctx.sodium, ctx.port, `sp${a.toString(36)}x${i}`, loopback(4, a), ATTEMPT_TIMEOUT_MS);
                made.push(live.keyed);
                await closeSocket(live.ws);
              } catch (err) {
                refused.add(errorCode(err));
                break; // this address is spent: on to the next
              }
            }
          }
        }),
      );
      made.length = Math.min(made.length, ctx.o.spreadAccounts);
      const why = Object.entries(refused.counts).map(([k, v]) => `${fmt(v)} ${k}`).join(', ');
      return `made ${fmt(made.length)} accounts from ${fmt(address)} addresses${why ? ` (an address was spent at: ${why})` : ''}`;
    },
    async run() {
      // Not the flood's usual length: every pre-made account asks, however long it takes (bounded).
      const end = performance.now() + ctx.o.spreadDeadlineMs;
      let tried = 0;
      await mapLimit(made, WORKERS * 2, async (keyed) => {
        if (performance.now() > end) return;
        tried++;
        try {
          tally.add(await request(await loginAt(ctx.sodium, ctx.port, keyed, ATTEMPT_TIMEOUT_MS), victim.username));
        } catch (err) {
          tally.add(`error ${errorCode(err)}`);
        }
      });
      const v = await victimLogin(ctx.sodium, ctx.port, victim, { deadlineMs: ctx.o.victimDeadlineMs, quietMs: 500 });
      return { did: `${fmt(tried)} pre-made accounts log in (each from its own address) and ask the victim; then the victim logs in`, server: tally.drain(), figures: victimFigures(v) };
    },
    close: async () => {},
  };
}

/** 3. Registrations from one address, as fast as the server takes them. */
function registrationFlood(ctx: FloodContext): Flood {
  const tally = new Tally();
  return {
    setup: async () => undefined,
    async run(durationMs) {
      let n = 0;
      await untilDeadline(durationMs, async (w) => {
        try {
          const live = await registerAt(ctx.sodium, ctx.port, `rg${w}x${(n++).toString(36)}`, ctx.address, ATTEMPT_TIMEOUT_MS);
          tally.add('registered');
          await closeSocket(live.ws);
        } catch (err) {
          tally.add(`error ${errorCode(err)}`);
        }
      });
      return { did: `${fmt(n)} registration attempts from one address, ${WORKERS} at a time`, server: tally.drain(), figures: {} };
    },
    close: async () => {},
  };
}

/** Opens `count` connections with `open` (OPENING at a time) until `durationMs`, holds them, then cuts them all. */
async function holdConnections<T>(count: number, durationMs: number, open: () => Promise<T>, cut: (c: T) => void): Promise<{ held: T[]; failed: Tally }> {
  const end = performance.now() + durationMs;
  const held: T[] = [];
  const failed = new Tally();
  await mapLimit(Array.from({ length: count }), OPENING, async () => {
    if (performance.now() > end) return;
    try {
      held.push(await open());
    } catch (err) {
      failed.add(errorCode(err));
    }
  });
  await sleep(end - performance.now());
  for (const c of held) cut(c);
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

/** 4. TCP connections that never send a byte, held until the flood ends. */
function idleTcpFlood(ctx: FloodContext): Flood {
  return {
    setup: async () => undefined,
    async run(durationMs) {
      const ages: number[] = [];
      let ending = false;
      const open = () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({ host: '127.0.0.1', port: ctx.port, localAddress: ctx.address });
          s.once('error', reject);
          s.once('connect', () => {
            const at = performance.now();
            s.on('error', () => {});
            s.once('close', () => void (!ending && ages.push(performance.now() - at)));
            s.resume();
            resolve(s);
          });
        });
      const { held, failed } = await holdConnections(ctx.o.idleConnections, durationMs, open, () => {
        ending = true;
      });
      for (const s of held) s.destroy();
      return {
        did: `${fmt(held.length)} TCP connections from one address that never send a byte, held ${fmt(durationMs / 1000)} s`,
        server: failed.counts,
        figures: closedFigures(ages, held.length),
      };
    },
    close: async () => {},
  };
}

/** 5. WebSockets that open and never log in, held until the flood ends. */
function unauthFlood(ctx: FloodContext): Flood {
  return {
    setup: async () => undefined,
    async run(durationMs) {
      const ages: number[] = [];
      const tally = new Tally();
      const open = async (): Promise<WebSocket> => {
        const ws = openAt(ctx.port, ctx.address);
        tally.watch(ws);
        await opened(ws, ATTEMPT_TIMEOUT_MS);
        const at = performance.now();
        ws.once('close', () => void (!ending && ages.push(performance.now() - at)));
        return ws;
      };
      let ending = false;
      const { held, failed } = await holdConnections(ctx.o.unauthConnections, durationMs, open, () => {
        ending = true;
      });
      // Counted before our own closes, which are not the server's doing; refusals are in the tally
      // already, other failures (a timeout) are not.
      const server = tally.drain();
      for (const [k, v] of Object.entries(failed.counts)) if (!k.startsWith('HTTP') && k !== 'ECONNRESET') server[`open failed: ${k}`] = v;
      for (const ws of held) ws.terminate();
      return { did: `${fmt(held.length)} WebSockets from one address that never log in, held ${fmt(durationMs / 1000)} s`, server, figures: closedFigures(ages, held.length) };
    },
    close: async () => {},
  };
}

/** 96 KiB of nested arrays: the documented frame limit, the deepest JSON that fits in it. */
const NESTED = '['.repeat(48 * 1024) + ']'.repeat(48 * 1024);

/** 5b. Unauthenticated connections sending 96 KiB frames of nested arrays as fast as they drain; reconnecting when cut. */
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
              frames += await pump(ws, () => NESTED, { durationMs: end - performance.now(), maxBuffered: 1024 * 1024 });
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

export const strangerFloods = {
  requests: { title: '2 requests from fresh accounts, one address', make: requestFlood },
  'requests-spread': { title: '2b requests from pre-made accounts, many addresses', make: spreadRequestFlood },
  registrations: { title: '3 registrations from one address', make: registrationFlood },
  'idle-tcp': { title: '4 idle TCP connections', make: idleTcpFlood },
  'unauth-ws': { title: '5 WebSockets that never log in', make: unauthFlood },
  'big-frames': { title: '5b unauthenticated 96 KiB nested frames', make: bigFrameFlood },
} satisfies Record<string, FloodKind>;
