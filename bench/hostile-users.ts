/**
 * The ordinary users of the hostile-load benchmark, run as their own process and driven by
 * hostile-bench.ts over IPC. Against the server under attack, each from a loopback address of its own
 * (so no per-address limit of the server can be what slows them):
 *  - a bystander who sends {"t":"ping"} every 10 ms and times each pong;
 *  - alice → bob: 150-character sealed messages at a steady rate through the full exchange
 *    (deliver, batched ack, delivered, batched receipt_ack);
 *  - carol → dave: 64 KiB file chunks through the relay (binary frames) at a steady rate;
 *  - a newcomer who connects and logs in once a second: can someone new still get in?
 * Their demand stays under every per-connection limit, so without an attacker they get all of it;
 * `window` returns what they got since its previous call.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { MAX_SEALED_CHUNK_BYTES } from '../shared/file-chunks';
import { encodeFrame } from '../shared/protocol';
import { encodeRelayFrame } from '../shared/relay-frames';
import { type Sodium, loadSodium } from '../shared/sodium';
import { type Keyed, type Live, Pacer, SLOW_PING_MS, Tally, closeSocket, errorCode, loginAt, loopback, registerAt } from './hostile-net';
import { serveRpc } from './ipc';
import { befriend } from './parley-client';
import { type LatencySummary, median, sleep, summarizeLatency } from './stats';

export interface UsersSetup {
  port: number;
  /** alice → bob messages per second. */
  msgRate: number;
  /** carol → dave relayed file bytes per second. */
  fileBytesPerSec: number;
}

export interface WindowFigures {
  seconds: number;
  /** Ping round trips, ms; pings still unanswered after SLOW_PING_MS at the window's end count with their age. */
  ping: LatencySummary & { overdue: number };
  /** Pings slower than SLOW_PING_MS: how many, and when the first and last were sent (s into the window). */
  slowPings: { count: number; firstAt: number; lastAt: number };
  msgsPerSec: number;
  /** Relayed file bytes received per second, in MB (10^6). */
  fileMBps: number;
  newcomer: { logins: number; medianMs: number; maxMs: number; failures: number; firstFailure?: string };
  /** Anything the users did not expect: error frames by code, closed sockets. */
  troubles: Record<string, number>;
}

const PING_EVERY_MS = 10;
/** A client acks once its storage commit is done: modelled as this long after the first item. */
const ACK_DELAY_MS = 10;
const MAX_BATCH = 256;
const MSG_WINDOW = 256;
/** 1 MiB of chunks in flight: the relay's recipient_busy starts at 512 KiB unsent toward dave, who reads at once. */
const FILE_WINDOW = 16;
/** A fresh file id now and then: the relay's per-file limit (2 GiB per connection) is not what is measured. */
const CHUNKS_PER_FILE = 1024;
const NEWCOMER_EVERY_MS = 1000;

class OrdinaryUsers {
  readonly #users = new Map<string, Live>();
  #newcomer: Keyed | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #running = false;
  #newcomerLoop: Promise<void> = Promise.resolve();
  // Figures of the current window.
  #windowStart = performance.now();
  #pingUs: number[] = [];
  /** When slow pings were sent, ms into the window. */
  #slowAt: number[] = [];
  #received = 0;
  #fileBytes = 0;
  #newcomerMs: number[] = [];
  #newcomerFailures = 0;
  #firstFailure: string | undefined;
  readonly #troubles = new Tally();
  // Flow state.
  readonly #pings: { sent: number; counted: boolean }[] = [];
  #msgOutstanding = 0;
  #seq = 0;
  #acks: string[] = [];
  #receipts: string[] = [];
  #fileOutstanding = 0;
  #chunk = 0;
  #fileId = randomBytes(16);
  readonly #chunkBody = randomBytes(MAX_SEALED_CHUNK_BYTES);

  constructor(
    readonly sodium: Sodium,
    readonly o: UsersSetup,
  ) {}

  #user(name: string): Live {
    return this.#users.get(name)!;
  }

  async setup(): Promise<void> {
    const names = ['bystander', 'alice', 'bob', 'carol', 'dave', 'newcomer'];
    const lives = await Promise.all(names.map((n, i) => registerAt(this.sodium, this.o.port, n, loopback(1, i))));
    for (const l of lives) this.#users.set(l.username, l);
    await befriend(this.#user('alice'), this.#user('bob'));
    await befriend(this.#user('carol'), this.#user('dave'));
    const newcomer = this.#users.get('newcomer')!;
    this.#users.delete('newcomer');
    this.#newcomer = newcomer.keyed;
    await closeSocket(newcomer.ws);
    for (const l of this.#users.values()) l.inbox.detach();
    this.#wire();
  }

  #wire(): void {
    const quiet = new Set(['pong', 'deliver', 'delivered', 'binary frame']);
    for (const l of this.#users.values()) this.#troubles.watch(l.ws, quiet);
    this.#user('bystander').ws.on('message', (data: Buffer) => {
      if (!data.toString().startsWith('{"t":"pong"')) return;
      const ping = this.#pings.shift();
      if (ping && !ping.counted) this.#record(ping.sent, performance.now());
    });
    this.#user('bob').ws.on('message', (data: Buffer, isBinary: boolean) => {
      const f = isBinary ? undefined : (JSON.parse(data.toString()) as { t: string; id?: string });
      if (f?.t !== 'deliver') return;
      this.#received++;
      this.#msgOutstanding--;
      this.#acks.push(f.id!);
    });
    this.#user('alice').ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString()) as { t: string; ids?: string[] };
      if (f.t === 'delivered') this.#receipts.push(...f.ids!);
    });
    this.#user('dave').ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      this.#fileBytes += data.length;
      this.#fileOutstanding--;
    });
    // A chunk the relay dropped (its rate, a busy recipient) frees its place in the window.
    this.#user('carol').ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary && data.toString().startsWith('{"t":"error"')) this.#fileOutstanding = Math.max(0, this.#fileOutstanding - 1);
    });
  }

  start(): void {
    this.#running = true;
    const alice = this.#user('alice').ws;
    const [prefix, suffix] = encodeFrame({ t: 'send', to: 'bob', id: 'ID_MARKER', env: randomBytes(112).toString('base64url') }).split('ID_MARKER') as [string, string];
    // Bursts of 50 ms: a timer that fires late catches up, up to the window.
    const msgPacer = new Pacer(this.o.msgRate, Math.max(1, this.o.msgRate / 20));
    const chunkBytes = this.#chunkBody.length + 1 + 'dave'.length;
    const filePacer = new Pacer(this.o.fileBytesPerSec / chunkBytes, Math.max(1, this.o.fileBytesPerSec / chunkBytes / 20));
    this.#timers.push(
      setInterval(() => {
        while (this.#msgOutstanding < MSG_WINDOW && msgPacer.take()) {
          alice.send(prefix + `h${(this.#seq++).toString(36).padStart(8, '0')}` + suffix);
          this.#msgOutstanding++;
        }
        while (this.#fileOutstanding < FILE_WINDOW && filePacer.take()) this.#sendChunk();
      }, 1),
      setInterval(() => this.#flush(), ACK_DELAY_MS),
      setInterval(() => {
        this.#user('bystander').ws.send('{"t":"ping"}');
        this.#pings.push({ sent: performance.now(), counted: false });
      }, PING_EVERY_MS),
    );
    this.#newcomerLoop = this.#probeNewcomers();
    this.window();
  }

  #sendChunk(): void {
    if (this.#chunk % CHUNKS_PER_FILE === 0) this.#fileId = randomBytes(16);
    const payload = Buffer.from(this.#chunkBody);
    this.#fileId.copy(payload, 0);
    payload.writeUInt32BE(this.#chunk++ % CHUNKS_PER_FILE, 16);
    this.#user('carol').ws.send(encodeRelayFrame('dave', payload));
    this.#fileOutstanding++;
  }

  #flush(): void {
    const send = (ws: WebSocket, ids: string[], frame: (batch: string[]) => string) => {
      while (ids.length > 0) ws.send(frame(ids.splice(0, MAX_BATCH)));
    };
    send(this.#user('bob').ws, this.#acks, (ids) => encodeFrame({ t: 'ack', from: 'alice', ids }));
    send(this.#user('alice').ws, this.#receipts, (ids) => encodeFrame({ t: 'receipt_ack', by: 'bob', ids }));
  }

  /** Once a second, someone new connects and logs in, one at a time. */
  async #probeNewcomers(): Promise<void> {
    while (this.#running) {
      const started = performance.now();
      try {
        const live = await loginAt(this.sodium, this.o.port, this.#newcomer!, 10_000);
        this.#newcomerMs.push(live.ms);
        await closeSocket(live.ws);
      } catch (err) {
        this.#newcomerFailures++;
        this.#firstFailure ??= errorCode(err);
      }
      await sleep(Math.max(0, NEWCOMER_EVERY_MS - (performance.now() - started)));
    }
  }

  #record(sent: number, answered: number): void {
    this.#pingUs.push((answered - sent) * 1000);
    if (answered - sent > SLOW_PING_MS) this.#slowAt.push(Math.max(0, sent - this.#windowStart));
  }

  /** The figures since the previous call; starts a new window. */
  window(): WindowFigures {
    const now = performance.now();
    let overdue = 0;
    for (const p of this.#pings) {
      if (p.counted || now - p.sent < SLOW_PING_MS) continue;
      p.counted = true; // a ping this slow counts now, with its age so far, and not again
      this.#record(p.sent, now);
      overdue++;
    }
    const seconds = (now - this.#windowStart) / 1000;
    const figures: WindowFigures = {
      seconds,
      ping: { ...summarizeLatency(this.#pingUs), overdue },
      slowPings: { count: this.#slowAt.length, firstAt: (this.#slowAt[0] ?? Number.NaN) / 1000, lastAt: (this.#slowAt.at(-1) ?? Number.NaN) / 1000 },
      msgsPerSec: this.#received / seconds,
      fileMBps: this.#fileBytes / 1e6 / seconds,
      newcomer: {
        logins: this.#newcomerMs.length,
        medianMs: median(this.#newcomerMs),
        maxMs: this.#newcomerMs.length ? Math.max(...this.#newcomerMs) : Number.NaN,
        failures: this.#newcomerFailures,
        ...(this.#firstFailure ? { firstFailure: this.#firstFailure } : {}),
      },
      troubles: this.#troubles.drain(),
    };
    this.#windowStart = now;
    this.#pingUs = [];
    this.#slowAt = [];
    this.#received = 0;
    this.#fileBytes = 0;
    this.#newcomerMs = [];
    this.#newcomerFailures = 0;
    this.#firstFailure = undefined;
    return figures;
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const t of this.#timers) clearInterval(t);
    await this.#newcomerLoop;
    await Promise.all([...this.#users.values()].map((l) => closeSocket(l.ws)));
  }
}

let users: OrdinaryUsers | undefined;

serveRpc({
  ready: () => true,
  setup: async (o: UsersSetup) => {
    users = new OrdinaryUsers(await loadSodium(), o);
    await users.setup();
    return true;
  },
  start: () => users!.start(),
  window: () => users!.window(),
  stop: async () => {
    await users?.stop();
    users = undefined;
    return true;
  },
});
