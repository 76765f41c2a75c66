/**
 * Floods by a hostile contact: accounts the victim (or a throwaway) accepted, so every frame passes
 * the server's contact check, sent as fast as the documented limits allow (PROTOCOL.md: 500 text
 * frames/s per connection; binary frames only as fast as the socket drains).
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { MAX_SEALED_CHUNK_BYTES } from '../shared/file-chunks';
import { LIMITS } from '../shared/limits';
import { encodeFrame } from '../shared/protocol';
import { encodeRelayFrame } from '../shared/relay-frames';
import { type Flood, type FloodContext, type FloodKind, accounts, closeAll, victimFigures } from './hostile-floods';
import { ALLOWED_FRAMES, type Keyed, type Live, Pacer, Tally, closeSocket, pump } from './hostile-net';
import { victimLogin } from './hostile-victim';
import { befriend } from './parley-client';
import { fmt, sleep } from './stats';

const MiB = 1024 * 1024;
/** Our own unsent bytes per flooding socket: full speed without holding the whole flood in memory. */
const TEXT_BUFFER = MiB;
const BINARY_BUFFER = 4 * MiB;
/** After a flood, answers still on their way are counted for this long. */
const SETTLE_MS = 500;

/** `victim` accepts each of `others`, then goes offline; everyone's setup inbox is detached. */
async function befriendVictim(victim: Live, others: Live[]): Promise<Keyed> {
  for (const o of others) await befriend(o, victim);
  for (const o of others) o.inbox.detach();
  await closeSocket(victim.ws);
  return victim.keyed;
}

/**
 * 1. Two contacts acknowledge ids the victim never sent them (`ack` "from" the victim, 256 fresh
 * ids a frame), so the server makes receipts for the offline victim; then the victim logs in.
 */
function receiptFlood(ctx: FloodContext): Flood {
  let victim: Keyed;
  let attackers: Live[] = [];
  const tally = new Tally();
  return {
    async setup() {
      const [v, ...a] = await accounts(ctx, ['victim', 'mallory1', 'mallory2']);
      victim = await befriendVictim(v!, a);
      attackers = a;
      for (const l of a) tally.watch(l.ws);
      return undefined;
    },
    async run(durationMs) {
      let n = 0;
      const frame = (k: number): string => {
        const ids = Array.from({ length: LIMITS.maxAckBatch }, () => `f${k}${(n++).toString(36).padStart(10, '0')}`);
        return `{"t":"ack","from":"${victim.username}","ids":["${ids.join('","')}"]}`;
      };
      const o = { durationMs, maxBuffered: TEXT_BUFFER };
      const sent = await Promise.all(attackers.map((a, k) => pump(a.ws, () => frame(k), { ...o, pacer: new Pacer(ALLOWED_FRAMES.perSec, ALLOWED_FRAMES.burst) })));
      await sleep(SETTLE_MS);
      const v = await victimLogin(ctx.sodium, ctx.port, victim, { deadlineMs: ctx.o.victimDeadlineMs, quietMs: SETTLE_MS });
      const frames = sent.reduce((a, b) => a + b, 0);
      return { did: `${fmt(frames)} ack frames (${fmt(n)} ids never delivered) from 2 contacts, then the victim logs in`, server: tally.drain(), figures: victimFigures(v) };
    },
    close: () => closeAll(attackers),
  };
}

/** 6. A contact sends 16,000-character signals as fast as allowed while the victim's client does not read. */
function signalFlood(ctx: FloodContext): Flood {
  let victim: Live;
  let attacker: Live;
  const tally = new Tally();
  let received = 0;
  let cut: number | undefined;
  return {
    async setup() {
      [victim, attacker] = (await accounts(ctx, ['victim', 'mallory'])) as [Live, Live];
      await befriend(attacker, victim);
      victim.inbox.detach();
      attacker.inbox.detach();
      tally.watch(attacker.ws);
      victim.ws.on('message', (d: Buffer) => void (d.subarray(0, 12).toString() === '{"t":"signal' && received++));
      victim.ws.on('close', (code) => (cut ??= code));
      return undefined;
    },
    async run(durationMs) {
      const frame = encodeFrame({ t: 'signal', to: victim.username, data: 'x'.repeat(LIMITS.maxSignalChars) });
      victim.ws.pause();
      const pacer = new Pacer(ALLOWED_FRAMES.perSec, ALLOWED_FRAMES.burst);
      const sent = await pump(attacker.ws, () => frame, { durationMs, pacer, maxBuffered: TEXT_BUFFER });
      victim.ws.resume();
      await sleep(SETTLE_MS * 2);
      const alive = cut === undefined && (await answersPing(victim.ws, 2000));
      return {
        did: `${fmt(sent)} signals of ${fmt(LIMITS.maxSignalChars)} characters (${fmt((sent * frame.length) / MiB, 1)} MiB) to a contact not reading`,
        server: tally.drain(),
        figures: {
          'signals the victim got': received,
          'victim still connected': alive ? 'yes' : 'no',
          ...(cut !== undefined ? { 'victim cut with close code': cut } : {}),
        },
      };
    },
    close: () => closeAll([victim, attacker]),
  };
}

/** True when `ws` answers a ping within `timeoutMs`. */
function answersPing(ws: WebSocket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const onMessage = (d: Buffer): void => void (d.toString().startsWith('{"t":"pong"') && done(true));
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(ok);
    };
    ws.on('message', onMessage);
    ws.send(encodeFrame({ t: 'ping' }));
  });
}

const THROWAWAYS = 8;
/** Files open at once, taking chunks in turn: as many uncommitted uploads as the attacker can hold. */
const OPEN_FILES = 4 * THROWAWAYS;
/** 25 MiB files of 64 KiB chunks: the documented per-file limit for an offline contact. */
const CHUNKS_PER_FILE = 400;

/**
 * 7. Chunks with the store flag toward offline throwaway contacts, at full speed, for OPEN_FILES
 * files at once (a full one is replaced by a fresh one), never committed.
 */
function uploadFlood(ctx: FloodContext): Flood {
  let attacker: Live;
  let recipients: string[] = [];
  const tally = new Tally();
  return {
    async setup() {
      const names = Array.from({ length: THROWAWAYS }, (_, i) => `throwaway${i}`);
      const [a, ...r] = await accounts(ctx, ['mallory', ...names]);
      attacker = a!;
      for (const t of r) await befriend(attacker, t);
      await closeAll(r);
      attacker.inbox.detach();
      tally.watch(attacker.ws);
      recipients = names;
      return undefined;
    },
    async run(durationMs) {
      const body = randomBytes(MAX_SEALED_CHUNK_BYTES);
      const open = Array.from({ length: OPEN_FILES }, (_, i) => ({ id: randomBytes(16), next: 0, to: recipients[i % recipients.length]! }));
      let chunks = 0;
      let files = OPEN_FILES;
      const next = (): Buffer => {
        const file = open[chunks++ % OPEN_FILES]!;
        if (file.next === CHUNKS_PER_FILE) [file.id, file.next, files] = [randomBytes(16), 0, files + 1];
        const payload = Buffer.from(body);
        file.id.copy(payload);
        payload.writeUInt32BE(file.next++, 16);
        return Buffer.from(encodeRelayFrame(file.to, payload, true));
      };
      await pump(attacker.ws, next, { durationMs, maxBuffered: BINARY_BUFFER });
      await sleep(SETTLE_MS);
      const server = tally.drain();
      // Uploads never committed are forgotten when their connection closes: the RSS after shows it.
      await closeSocket(attacker.ws);
      await sleep(SETTLE_MS * 3);
      return {
        did: `${fmt(chunks)} stored-file chunks (${fmt((chunks * body.length) / MiB)} MiB) of ${fmt(Math.min(files, chunks))} files, ${OPEN_FILES} at a time, to ${THROWAWAYS} offline throwaway contacts, never committed, then the connection closes`,
        server,
        figures: {},
      };
    },
    close: () => closeAll([attacker]),
  };
}

/** 8. A contact sends the largest envelopes as fast as allowed to an offline user; then another contact's message. */
function queueFlood(ctx: FloodContext): Flood {
  let attacker: Live;
  let friend: Live;
  const tally = new Tally();
  return {
    async setup() {
      const [v, a, f] = await accounts(ctx, ['victim', 'mallory', 'friend']);
      [attacker, friend] = [a!, f!];
      await befriendVictim(v!, [attacker, friend]);
      tally.watch(attacker.ws);
      return undefined;
    },
    async run(durationMs) {
      const env = randomBytes(Math.floor((LIMITS.maxEnvelopeChars * 3) / 4)).toString('base64url');
      const [prefix, suffix] = encodeFrame({ t: 'send', to: 'victim', id: 'ID_MARKER', env }).split('ID_MARKER') as [string, string];
      let n = 0;
      const pacer = new Pacer(ALLOWED_FRAMES.perSec, ALLOWED_FRAMES.burst);
      const sent = await pump(attacker.ws, () => `${prefix}flood${(n++).toString(36).padStart(8, '0')}${suffix}`, { durationMs, pacer, maxBuffered: TEXT_BUFFER });
      await sleep(SETTLE_MS * 2);
      const server = tally.drain();
      const outcome = await sendOnce(friend.ws, 'victim');
      return {
        did: `${fmt(sent)} messages of ${fmt(env.length)} characters to an offline contact; then another contact sends one`,
        server,
        figures: { "the other contact's message": outcome },
      };
    },
    close: () => closeAll([attacker, friend]),
  };
}

/** Sends one small message and says what the server answered: `stored`, `deliver`ed, or the error code. */
function sendOnce(ws: WebSocket, to: string): Promise<string> {
  const id = `friend${randomBytes(6).toString('hex')}`;
  return new Promise((resolve) => {
    const timer = setTimeout(() => done('no answer within 5 s'), 5000);
    const onMessage = (d: Buffer): void => {
      const f = JSON.parse(d.toString()) as { t: string; id?: string; code?: string; ref?: string };
      if (f.t === 'stored' && f.id === id) done('stored');
      else if (f.t === 'error' && f.ref === id) done(`error ${f.code}`);
    };
    const done = (what: string): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(what);
    };
    ws.on('message', onMessage);
    ws.send(encodeFrame({ t: 'send', to, id, env: randomBytes(112).toString('base64url') }));
  });
}

export const contactFloods = {
  receipts: { title: '1 receipts: 2 contacts ack unknown ids, victim logs in', make: receiptFlood },
  signals: { title: "6 signals to a contact who doesn't read", make: signalFlood },
  uploads: { title: '7 stored-file uploads, never committed', make: uploadFlood },
  queue: { title: "8 one contact fills an offline user's queue", make: queueFlood },
} satisfies Record<string, FloodKind>;
