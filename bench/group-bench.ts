/**
 * Group fan-out (`BENCH_ONLY=group`): a group of BENCH_GROUP_MEMBERS (100) real MLS members (Node
 * clients on shared/groups, as in the server's tests), on one server and on two nodes on one Redis
 * (members alternate between the nodes; the sender is on the first). One member sends
 * PrivateMessages at BENCH_GROUP_RATE a second for BENCH_GROUP_SECONDS: send → the last member's
 * receipt (p50/p99), and the server's CPU per delivered entry beside, in the same run and on the
 * same server, the same number of 1:1 deliveries (the sender sending each message to every member
 * one by one). Then the saturation: the sender keeps BENCH_GROUP_WINDOW messages in flight, for
 * deliveries a second. Receivers acknowledge every entry (as the app does) but do not decrypt: what
 * is measured is the server, and one Node process decrypting for 99 members would be the limit.
 * Clients and servers share this machine's cores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toBase64Url, encrypt, epochOf } from '../shared/groups';
import type { ServerFrame } from '../shared/protocol';
import { sealEnvelope } from '../shared/envelope';
import { ParleyClient, makeContacts, newIdentity } from '../signaling/test-support/client';
import { GroupMember, type Pins } from '../signaling/test-support/group-member';
import { RedisProcess } from '../signaling/test-support/redis-process';
import { type Listening, readCpuSeconds, startParleyServer, stopChild } from './children';
import { fmt, median, percentile, sleep } from './stats';

export interface GroupBenchOptions {
  members: number;
  rate: number;
  seconds: number;
  window: number;
}

export interface GroupFigures {
  nodes: number;
  messages: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (every node, and Redis) per delivered group entry, and per 1:1 delivery, µs. */
  groupCpuUs: number;
  directCpuUs: number;
  /** Group entries delivered a second (each to one member) with the window full. */
  saturationPerSec: number;
}

/** Rate limits off (the sender sends many times what one person would), everything else default. */
export const SERVER_ENV = { RATE_FRAMES_PER_SEC: '1000000', RATE_BURST: '1000000', GROUP_SENDS_PER_SEC: '1000000', GROUP_SENDS_BURST: '1000000', GROUP_ACTIONS_PER_MINUTE: '100000' };

interface Setup {
  sender: GroupMember;
  receivers: ParleyClient[];
  group: string;
  cpu: () => number;
  stop: () => Promise<void>;
}

async function setup(o: GroupBenchOptions, nodes: 1 | 2): Promise<Setup> {
  const redis = nodes === 2 ? await RedisProcess.start() : undefined;
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-group-'));
  const servers: Listening[] = [];
  for (let i = 0; i < nodes; i++) {
    const env = redis ? { ...SERVER_ENV, REDIS_URL: redis.url, FILES_DIR: filesDir, NODE_ID: `n${i + 1}` } : SERVER_ENV;
    servers.push(await startParleyServer({ label: `parley ${redis ? `node ${i + 1}` : 'server'} (group bench)`, env }));
  }
  const pins: Pins = new Map();
  const run = Math.random().toString(36).slice(2, 7);
  const sender = await GroupMember.of(await ParleyClient.register(servers[0]!.port, await newIdentity(`gs${run}`)), pins);
  const members: GroupMember[] = [];
  for (let i = 1; i < o.members; i++) {
    const client = await ParleyClient.register(servers[i % nodes]!.port, await newIdentity(`g${run}m${i}`));
    await makeContacts(sender.client, client);
    const member = await GroupMember.of(client, pins);
    await member.uploadKeyPackages(1);
    members.push(member);
  }
  const group = await sender.create({ listed: false });
  for (let i = 0; i < members.length; i += 16) {
    const answer = await sender.addUsers(group, members.slice(i, i + 16).map((m) => m.name));
    if (answer.t === 'error') throw new Error(`adding members failed: ${answer.code}`);
  }
  const pids = [...servers.map((s) => s.pid), ...(redis?.pid ? [redis.pid] : [])];
  return {
    sender,
    receivers: members.map((m) => m.client),
    group,
    cpu: () => pids.reduce((sum, pid) => sum + readCpuSeconds(pid), 0),
    stop: async () => {
      for (const c of [sender.client, ...members.map((m) => m.client)]) c.ws.terminate();
      await Promise.all(servers.map((s) => stopChild(s.child)));
      await redis?.dispose();
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/**
 * Counts each message's receipts: `done(id)` fires when every receiver has it. Receivers
 * acknowledge every group entry and every 1:1 message as it comes (as the app does).
 */
function listen(s: Setup, done: (id: string) => void): () => void {
  const got = new Map<string, number>();
  const handlers = s.receivers.map((client) => {
    const handler = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      // Plain JSON.parse, not the validating decoder: the client's own cost must stay small beside the server's.
      const f = JSON.parse(data.toString()) as ServerFrame;
      let id: string | undefined;
      if (f.t === 'group_log' && f.kind === 'message') {
        client.send({ t: 'group_ack', group: f.group, upTo: f.seq });
        id = f.id;
      } else if (f.t === 'deliver') {
        client.send({ t: 'ack', from: f.from, ids: [f.id] });
        id = f.id.replace(/-\d+$/, '');
      } else if (f.t === 'group_log') {
        client.send({ t: 'group_ack', group: f.group, upTo: f.seq });
      }
      if (id === undefined) return;
      const n = (got.get(id) ?? 0) + 1;
      if (n === s.receivers.length) {
        got.delete(id);
        done(id);
      } else got.set(id, n);
    };
    client.ws.on('message', handler);
    return () => client.ws.off('message', handler);
  });
  return () => {
    for (const off of handlers) off();
  };
}

async function sendGroup(s: Setup, id: string): Promise<void> {
  const state = s.sender.groups.get(s.group)!;
  const out = await encrypt(state, new TextEncoder().encode(`hello ${id}`));
  s.sender.groups.set(s.group, out.group);
  s.sender.client.send({ t: 'group_send', group: s.group, epoch: epochOf(state), id, env: toBase64Url(out.message) });
}

function sendDirect(s: Setup, id: string): void {
  const me = s.sender.client;
  for (const [i, r] of s.receivers.entries()) {
    const to = r.identity!;
    const mid = `${id}-${i}`;
    me.send({ t: 'send', to: to.username, id: mid, env: sealEnvelope(me.sodium, { from: me.username, to: to.username, id: mid }, { kind: 'text', text: `hello ${id}` }, me.identity!.secretKey, to.publicKey) });
  }
}

/** Sends `count` messages at `rate` a second; the send → last receipt latencies (ms) and the server CPU used (s). */
async function paced(s: Setup, count: number, rate: number, send: (id: string) => void | Promise<void>, prefix: string) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let finish: () => void = () => {};
  const all = new Promise<void>((resolve) => (finish = resolve));
  const stop = listen(s, (id) => {
    const t = sentAt.get(id);
    if (t === undefined) return;
    latencies.push(performance.now() - t);
    if (latencies.length === count) finish();
  });
  const cpu0 = s.cpu();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = `m-${prefix}-${String(i).padStart(6, "0")}`;
    sentAt.set(id, performance.now());
    await send(id);
  }
  await Promise.race([all, sleep(30_000)]);
  // Let the last acknowledgements reach the server before its CPU is read.
  await sleep(200);
  const cpu = s.cpu() - cpu0;
  stop();
  if (latencies.length < count) {
    const errors = s.sender.client.received.filter((f) => f.t === 'error').map((f) => (f.t === 'error' ? f.code : ''));
    throw new Error(`${prefix}: ${count - latencies.length} of ${count} messages did not reach every member (the sender's errors: ${[...new Set(errors)].join(', ') || 'none'})`);
  }
  return { latencies: latencies.sort((a, b) => a - b), cpu };
}

/** Keeps `window` group messages in flight for `seconds`: entries delivered a second. */
async function saturate(s: Setup, o: GroupBenchOptions): Promise<number> {
  let inFlight = 0;
  let complete = 0;
  let next = 0;
  let wake: () => void = () => {};
  const stop = listen(s, () => {
    inFlight--;
    complete++;
    wake();
  });
  const end = performance.now() + o.seconds * 1000;
  while (performance.now() < end) {
    while (inFlight < o.window) {
      inFlight++;
      await sendGroup(s, `m-sat-${String(next++).padStart(6, "0")}`);
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 1000);
    });
  }
  const perSec = (complete * s.receivers.length) / o.seconds;
  await sleep(1000);
  stop();
  return perSec;
}

async function variant(o: GroupBenchOptions, nodes: 1 | 2, log: (line: string) => void): Promise<GroupFigures> {
  const s = await setup(o, nodes);
  try {
    const count = Math.round(o.rate * o.seconds);
    await paced(s, Math.min(20, count), o.rate, (id) => sendGroup(s, id), 'warm');
    const group = await paced(s, count, o.rate, (id) => sendGroup(s, id), 'g');
    const direct = await paced(s, count, o.rate, (id) => sendDirect(s, id), 'd');
    const deliveries = count * s.receivers.length;
    const saturationPerSec = await saturate(s, o);
    const figures: GroupFigures = {
      nodes,
      messages: count,
      p50Ms: median(group.latencies),
      p99Ms: percentile(group.latencies, 99),
      groupCpuUs: (group.cpu / deliveries) * 1e6,
      directCpuUs: (direct.cpu / deliveries) * 1e6,
      saturationPerSec,
    };
    log(`  ${nodes === 1 ? 'one server' : 'two nodes on Redis'}: p50 ${fmt(figures.p50Ms, 1)} ms, p99 ${fmt(figures.p99Ms, 1)} ms (send → ${s.receivers.length}th member); 1:1 p50 ${fmt(median(direct.latencies), 1)} ms`);
    return figures;
  } finally {
    await s.stop();
  }
}

export async function benchGroup(o: GroupBenchOptions, log: (line: string) => void): Promise<GroupFigures[]> {
  const out: GroupFigures[] = [];
  for (const nodes of [1, 2] as const) out.push(await variant(o, nodes, log));
  return out;
}

export function reportGroup(results: GroupFigures[], o: GroupBenchOptions, log: (line: string) => void): void {
  log('');
  log(`Group of ${o.members}: one member sends ${o.rate} msg/s for ${o.seconds} s (every member acknowledges every entry)`);
  for (const r of results) {
    const where = r.nodes === 1 ? 'one server   ' : 'two nodes    ';
    log(`  ${where} send → last member p50 ${fmt(r.p50Ms, 1)} ms, p99 ${fmt(r.p99Ms, 1)} ms; server CPU per delivery: group ${fmt(r.groupCpuUs, 1)} µs, 1:1 ${fmt(r.directCpuUs, 1)} µs (${fmt(r.groupCpuUs / r.directCpuUs, 2)}×, target ≤ 1.2×); saturation ${fmt(r.saturationPerSec)} deliveries/s`);
  }
}
