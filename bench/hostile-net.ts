/**
 * Client helpers of the hostile-load benchmark (hostile-users.ts, hostile-attacker.ts): sockets bound
 * to a chosen loopback address (127.0.0.0/8 is all loopback on Linux, so each account or attacker can
 * have an address of its own, as people do), accounts that can log in again, a tally of everything
 * the server answered, and a sender that goes as fast as the documented limits allow.
 */
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, type ServerFrameOf } from '../shared/protocol';
import { generateKeyPair, publicKeyB64, signChallenge } from '../shared/identity';
import type { Sodium } from '../shared/sodium';
import { type Account, SetupInbox, opened, originFor, parleyUrl } from './parley-client';
import { sleep } from './stats';

/** A ping slower than this is a slow one: the hostile-load target for the bystander's p99. */
export const SLOW_PING_MS = 50;

/**
 * The `i`-th address of a block: 127.<block>.x.y. Blocks keep the parties apart: ordinary users,
 * the attacker's flood address, its helper accounts, pre-created accounts.
 */
export const loopback = (block: number, i: number): string => `127.${block}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** An account whose key we hold, so it can log in again, always from its own address. */
export interface Keyed {
  username: string;
  keys: { publicKey: Uint8Array; secretKey: Uint8Array };
  address: string;
}

/** A logged-in connection of a Keyed account. */
export interface Live extends Account {
  keyed: Keyed;
  welcome: ServerFrameOf<'welcome'>;
  /** Bytes of the welcome frame, and ms from the socket's creation to it. */
  welcomeBytes: number;
  ms: number;
}

/** A WebSocket as a browser on the app's page opens it, from `address`. */
export function openAt(port: number, address: string): WebSocket {
  const ws = new WebSocket(parleyUrl(port), { origin: originFor(port), perMessageDeflate: false, localAddress: address });
  ws.on('error', () => {}); // reported through opened(), the inbox or a Tally; never an unhandled 'error'
  return ws;
}

/** The stable code of a server refusal seen by SetupInbox or opened(), else the error's first words. */
export function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code;
  const text = err instanceof Error ? err.message : String(err);
  return /server error (\w+)/.exec(text)?.[1] ?? /HTTP \d+/.exec(text)?.[0] ?? text.slice(0, 40);
}

/** `p`, marked as handled: when it loses a race its later rejection must not be an unhandled one. */
function quietly<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Sees every frame from the socket's first on (a listener added after the welcome could miss what follows it). */
export type Listen = (data: Buffer, isBinary: boolean) => void;

/** Opens a socket, signs the challenge with `auth` and waits for the welcome. Throws with the server's code. */
async function authenticate(port: number, keyed: Keyed, auth: (nonce: string) => object, timeoutMs: number, listen?: Listen): Promise<Live> {
  const started = performance.now();
  const ws = openAt(port, keyed.address);
  if (listen) ws.on('message', listen);
  let welcomeBytes = 0;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary && welcomeBytes === 0 && data.subarray(0, 16).toString().startsWith('{"t":"welcome"')) welcomeBytes = data.length;
  });
  const inbox = new SetupInbox(ws);
  // A socket the server closes fails the attempt at once, with the close code.
  const closed = new Promise<never>((_, reject) => ws.once('close', (code) => reject(new Error(`server error closed_${code}`))));
  closed.catch(() => {});
  try {
    await opened(ws, timeoutMs);
    const { nonce } = await Promise.race([quietly(inbox.next('challenge', timeoutMs)), closed]);
    ws.send(JSON.stringify(auth(nonce)));
    const welcome = await Promise.race([quietly(inbox.next('welcome', timeoutMs)), closed]);
    return { username: keyed.username, ws, inbox, keyed, welcome, welcomeBytes, ms: performance.now() - started };
  } catch (err) {
    ws.terminate();
    throw err;
  }
}

/** Registers `username` with a fresh key from `address`. */
export async function registerAt(sodium: Sodium, port: number, username: string, address: string, timeoutMs = 30_000): Promise<Live> {
  const keyed: Keyed = { username, keys: generateKeyPair(sodium), address };
  return authenticate(
    port,
    keyed,
    (nonce) => ({ t: 'register', v: PROTOCOL_VERSION, username, identityKey: publicKeyB64(sodium, keyed.keys), sig: signChallenge(sodium, keyed.keys.secretKey, nonce, username) }),
    timeoutMs,
  );
}

/** Logs `keyed` in again from its own address. */
export function loginAt(sodium: Sodium, port: number, keyed: Keyed, timeoutMs = 30_000, listen?: Listen): Promise<Live> {
  const sign = (nonce: string) => ({ t: 'login', v: PROTOCOL_VERSION, username: keyed.username, sig: signChallenge(sodium, keyed.keys.secretKey, nonce, keyed.username) });
  return authenticate(port, keyed, sign, timeoutMs, listen);
}

/** Closes a socket and waits until it is closed (at most `timeoutMs`, then it is cut). */
export async function closeSocket(ws: WebSocket, timeoutMs = 2000): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.close();
  await Promise.race([closed, sleep(timeoutMs)]);
  ws.terminate();
}

const FRAME_HEAD = /^\{"t":"(\w+)"(?:,"code":"(\w+)")?/;

/** Counts what the server did to a set of sockets: frames by type, errors by code, closes by code, refusals. */
export class Tally {
  counts: Record<string, number> = {};
  /** Sockets we closed ourselves, or refused at the upgrade (counted as that): their close is not counted. */
  readonly #done = new WeakSet<WebSocket>();

  /** Closes `ws` from our side; a close the server had already begun is still counted. */
  async hangUp(ws: WebSocket): Promise<void> {
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) this.#done.add(ws);
    await closeSocket(ws, 500);
  }

  /** The counts so far; counting starts again from zero. */
  drain(): Record<string, number> {
    const counts = this.counts;
    this.counts = {};
    return counts;
  }

  add(key: string, n = 1): void {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  /** Counts every frame, close and refusal on `ws` (frames of `ignore` types are not counted). */
  watch(ws: WebSocket, ignore: ReadonlySet<string> = new Set()): void {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const m = isBinary ? undefined : FRAME_HEAD.exec(data.subarray(0, 80).toString());
      const key = isBinary ? 'binary frame' : !m ? 'unreadable frame' : m[1] === 'error' ? `error ${m[2] ?? '?'}` : m[1]!;
      if (!ignore.has(key)) this.add(key);
    });
    ws.on('close', (code) => void (!this.#done.has(ws) && this.add(`closed ${code}`)));
    ws.on('unexpected-response', (_req, res) => {
      this.add(`HTTP ${res.statusCode}`);
      this.#done.add(ws);
      res.resume();
    });
    ws.on('error', (err: NodeJS.ErrnoException) => void (!this.#done.has(ws) && this.add(`socket ${err.code ?? 'error'}`)));
  }
}

/** A token bucket on the client side, so a flood goes exactly as fast as the server's documented limit. */
export class Pacer {
  #tokens: number;
  #at = performance.now();
  constructor(
    readonly perSec: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }
  take(): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSec);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}

/**
 * The server's documented per-connection frame rate (PROTOCOL.md: 500 frames/s, burst 1000), a
 * little under it: "as fast as allowed" for text-frame floods.
 */
export const ALLOWED_FRAMES = { perSec: 490, burst: 900 } as const;

export interface PumpOptions {
  durationMs: number;
  /** Frame rate cap; none for binary floods, which only the socket's drain limits. */
  pacer?: Pacer;
  /** Do not queue more than this in our own send buffer. */
  maxBuffered: number;
}

/** Sends `next()` on `ws` as fast as the pacer and the socket allow, for `durationMs`. Returns frames sent. */
export async function pump(ws: WebSocket, next: () => string | Buffer, o: PumpOptions): Promise<number> {
  const end = performance.now() + o.durationMs;
  let sent = 0;
  while (performance.now() < end && ws.readyState === WebSocket.OPEN) {
    let burst = 0;
    while (ws.bufferedAmount < o.maxBuffered && burst < 256 && (!o.pacer || o.pacer.take())) {
      ws.send(next());
      sent++;
      burst++;
    }
    await sleep(1);
  }
  return sent;
}
