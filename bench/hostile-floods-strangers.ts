/**
 * Floods anyone can run with fresh accounts: registrations and contact requests, from the flood's
 * one address, and contact requests from accounts made beforehand from many addresses.
 */
import { encodeFrame } from '../shared/protocol';
import { type Flood, type FloodContext, type FloodKind, accounts, victimFigures } from './hostile-floods';
import { type Keyed, type Live, Tally, closeSocket, errorCode, loginAt, loopback, registerAt } from './hostile-net';
import { victimLogin } from './hostile-victim';
import { mapLimit } from './parley-client';
import { fmt } from './stats';

/** Registrations (or logins) in flight at once from the attacker. */
const WORKERS = 16;
const ATTEMPT_TIMEOUT_MS = 5000;
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
      const why = Object.entries(refused.counts).map(([k, v]) => `${fmt(v)} by ${k}`).join(', ');
      return `made ${fmt(made.length)} accounts from ${fmt(address)} addresses${why ? `; addresses stopped early: ${why}` : ''}`;
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

export const strangerFloods = {
  requests: { title: '2 requests from fresh accounts, one address', make: requestFlood },
  'requests-spread': { title: '2b requests from pre-made accounts, many addresses', make: spreadRequestFlood },
  registrations: { title: '3 registrations from one address', make: registrationFlood },
} satisfies Record<string, FloodKind>;
