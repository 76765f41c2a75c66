/**
 * Membership changes through the server (`BENCH_ONLY=group`, after the fan-out): for a group of
 * each of BENCH_GROUP_CHANGE_SIZES (10, 100, 1,000) on one server, the owner removes one member
 * and then adds one, with real MLS (shared/groups, as in the server's tests). The group is built
 * by bulk adds of up to BATCH (so the tree is sparse, the worst case for a remove's size); one
 * member (the reader) keeps real MLS state and processes every commit, the others acknowledge
 * and, for the measured commits, fetch them whole (in parts when announced) as the app does, but
 * do not decrypt. Figures: the time to create each commit (CPU), its size and whether it went in
 * parts (signaling/groups/big-commits.ts), send → `group_committed`, send → every member has it
 * whole, the reader's processing (CPU), the bytes the server sent the members for it, and for
 * the join, the joiner's time from its Welcome to joined (fetching the Welcome and the tree).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { add, epochOf, fromBase64Url, needsParts, process as processMls, remove, toBase64Url } from '../shared/groups';
import { GROUP_LIMITS } from '../shared/limits';
import type { ServerFrame, ServerFrameOf } from '../shared/protocol';
import { ParleyClient, makeContacts, newIdentity } from '../signaling/test-support/client';
import { GroupMember, type Pins } from '../signaling/test-support/group-member';
import { type Listening, startParleyServer, stopChild } from './children';
import { SERVER_ENV } from './group-bench';
import { fmt, table } from './stats';

/** Members added per commit while building (several claims of GROUP_LIMITS.maxClaimUsers). */
const BATCH = 100;

export interface ChangeFigures {
  members: number;
  /** Building the group (registration, contacts, bulk adds), s. */
  buildS: number;
  remove: CommitFigures;
  /** joinMs: the joiner's wall time from its Welcome to joined; joinCpuMs: the CPU of it (this process is otherwise idle then). */
  join: CommitFigures & { joinMs: number; joinCpuMs: number; welcomeBytes: number; treeBytes: number };
}

interface CommitFigures {
  createMs: number;
  commitBytes: number;
  staged: boolean;
  committedMs: number;
  allMs: number;
  processMs: number;
  egressBytes: number;
}

const cpuMs = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const t0 = process.cpuUsage();
  const out = await work();
  const d = process.cpuUsage(t0);
  return [out, (d.user + d.system) / 1000];
};

/**
 * Raw receivers: every entry acknowledged at once, except a commit after `watch.after`, which is
 * fetched whole first (its parts, when announced); `done` once every receiver has it. Frames are
 * counted, not kept (ParleyClient's own buffering is switched off for them).
 */
function receive(clients: ParleyClient[], group: string) {
  let watch: { after: number; left: number; bytes: number; done: () => void } | undefined;
  for (const client of clients) {
    client.ws.removeAllListeners('message');
    let parts = 0;
    let target = -1;
    client.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const f = JSON.parse(data.toString()) as ServerFrame;
      if (f.t === 'group_commit_part' && f.seq === target) {
        watch!.bytes += data.length;
        if (--parts > 0) return;
        client.send({ t: 'group_ack', group, upTo: f.seq });
        if (--watch!.left === 0) watch!.done();
        return;
      }
      if (f.t !== 'group_log') return;
      if (watch && f.kind === 'commit' && f.seq > watch.after) {
        watch.bytes += data.length;
        if (f.parts) {
          target = f.seq;
          parts = f.parts;
          for (let part = 0; part < f.parts; part++) client.send({ t: 'group_commit_get', group, seq: f.seq, part });
          return;
        }
        client.send({ t: 'group_ack', group, upTo: f.seq });
        if (--watch.left === 0) watch.done();
        return;
      }
      client.send({ t: 'group_ack', group, upTo: f.seq });
    });
  }
  return (after: number) => {
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const w = { after, left: clients.length, bytes: 0, done };
    watch = w;
    return { all, bytes: () => w.bytes };
  };
}

/** Claims key packages of `users` (in claims of maxClaimUsers) and commits their Add in one commit (staged when over a frame). */
async function bulkAdd(owner: GroupMember, group: string, users: string[]) {
  const kps: Uint8Array[] = [];
  for (let i = 0; i < users.length; i += GROUP_LIMITS.maxClaimUsers) {
    owner.client.send({ t: 'kp_claim', group, users: users.slice(i, i + GROUP_LIMITS.maxClaimUsers) });
    const claimed = await owner.client.next((f): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed' && f.group === group, 30_000);
    kps.push(...claimed.kps.map((k) => fromBase64Url(k.kp)));
  }
  const [out, createMs] = await cpuMs(() => add(owner.groups.get(group)!, kps));
  owner.stageTree(group, epochOf(owner.groups.get(group)!) + 1, out.tree!);
  const t0 = performance.now();
  const answer = await owner.commit(group, out.group, out.commit, out.welcome);
  if (answer.t !== 'group_committed') throw new Error(`the add was refused: ${answer.code}`);
  return { out, createMs, committedMs: performance.now() - t0, seq: answer.seq };
}

async function size(n: number, log: (line: string) => void): Promise<ChangeFigures> {
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-changes-'));
  const server: Listening = await startParleyServer({ label: `parley server (group changes, ${n})`, env: { ...SERVER_ENV, GROUP_REQUESTS_MAX: '100000', FILES_DIR: filesDir } });
  const clients: ParleyClient[] = [];
  try {
    const t0 = performance.now();
    const pins: Pins = new Map();
    const run = Math.random().toString(36).slice(2, 7);
    const person = async (name: string) => {
      const client = await ParleyClient.register(server.port, await newIdentity(`c${run}${name}`));
      clients.push(client);
      const m = await GroupMember.of(client, pins);
      await m.uploadKeyPackages(1);
      return m;
    };
    const owner = await person('owner');
    const reader = await person('reader');
    const others: GroupMember[] = [];
    for (let i = 0; i < n - 2; i++) others.push(await person(`m${i}`));
    const joiner = await person('joiner');
    for (const m of [reader, ...others, joiner]) await makeContacts(owner.client, m.client);
    const group = await owner.create({ listed: false });
    // The member the remove takes: no longer routed to once it is committed, so not among those counted.
    const gone = others.at(-1)!;
    const watch = receive(others.slice(0, -1).map((m) => m.client), group);
    const everyone = [reader, ...others];
    let seq = 0;
    for (let i = 0; i < everyone.length; i += BATCH) {
      const batch = everyone.slice(i, i + BATCH);
      const added = await bulkAdd(owner, group, batch.map((m) => m.name));
      if (i === 0) await reader.joinFromWelcome(group);
      else await reader.sync(group, added.seq, 60_000);
      seq = added.seq;
    }
    const buildS = (performance.now() - t0) / 1000;
    log(`  N = ${n}: built in ${fmt(buildS, 1)} s`);

    /** One measured commit: sent, taken, every member has it, the reader processes it. */
    const measure = async (commit: Uint8Array, send: () => Promise<ServerFrameOf<'group_committed'> | ServerFrameOf<'error'>>, createMs: number) => {
      const w = watch(seq);
      const t1 = performance.now();
      const answer = await send();
      if (answer.t !== 'group_committed') throw new Error(`the commit was refused: ${answer.code}`);
      const committedMs = performance.now() - t1;
      await w.all;
      const allMs = performance.now() - t1;
      seq = answer.seq;
      const e = await reader.client.next((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.seq === answer.seq, 60_000);
      const data = fromBase64Url(await reader.dataOf(e));
      const [processed, processMs] = await cpuMs(() => processMls(reader.groups.get(group)!, data, 'commit'));
      reader.groups.set(group, processed.group);
      reader.client.send({ t: 'group_ack', group, upTo: e.seq });
      return { createMs, commitBytes: commit.length, staged: needsParts(toBase64Url(commit).length), committedMs, allMs, processMs, egressBytes: w.bytes() };
    };

    const [removed, removeCreateMs] = await cpuMs(() => remove(owner.groups.get(group)!, [gone.name]));
    const removeFigures = await measure(removed.commit, () => owner.commit(group, removed.group, removed.commit), removeCreateMs);

    owner.client.send({ t: 'kp_claim', group, users: [joiner.name] });
    const claimed = await owner.client.next((f): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed' && f.group === group);
    const [added, addCreateMs] = await cpuMs(() => add(owner.groups.get(group)!, [fromBase64Url(claimed.kps[0]!.kp)]));
    owner.stageTree(group, epochOf(owner.groups.get(group)!) + 1, added.tree!);
    const joinFigures = await (async () => {
      const w = watch(seq);
      const t1 = performance.now();
      const answer = await owner.commit(group, added.group, added.commit, added.welcome);
      if (answer.t !== 'group_committed') throw new Error(`the add was refused: ${answer.code}`);
      const committedMs = performance.now() - t1;
      await w.all;
      const allMs = performance.now() - t1;
      const e = await reader.client.next((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.seq === answer.seq, 60_000);
      const [processed, processMs] = await cpuMs(async () => processMls(reader.groups.get(group)!, fromBase64Url(await reader.dataOf(e)), 'commit'));
      reader.groups.set(group, processed.group);
      return { createMs: addCreateMs, commitBytes: added.commit.length, staged: needsParts(toBase64Url(added.commit).length, toBase64Url(added.welcome!).length), committedMs, allMs, processMs, egressBytes: w.bytes() };
    })();
    // The joiner's side: the Welcome (fetched in parts when announced), the tree, the join.
    const t2 = performance.now();
    const [, joinCpuMs] = await cpuMs(() => joiner.joinFromWelcome(group));
    const joinMs = performance.now() - t2;
    return {
      members: n,
      buildS,
      remove: removeFigures,
      join: { ...joinFigures, joinMs, joinCpuMs, welcomeBytes: added.welcome!.length, treeBytes: added.tree!.length },
    };
  } finally {
    for (const c of clients) c.ws.terminate();
    await stopChild(server.child);
    fs.rmSync(filesDir, { recursive: true, force: true });
  }
}

export async function benchGroupChanges(sizes: number[], log: (line: string) => void): Promise<ChangeFigures[]> {
  const out: ChangeFigures[] = [];
  for (const n of sizes) out.push(await size(n, log));
  return out;
}

export function reportGroupChanges(results: ChangeFigures[], log: (line: string) => void): void {
  const ms = (v: number) => fmt(v, 1);
  log('');
  log('Membership changes through one server (the owner removes one member, then adds one; tree sparse after bulk adds):');
  log(
    table([
      ['N', 'change', 'create ms (CPU)', 'commit B', 'in parts', 'send → committed ms', 'send → all members ms', 'process ms (CPU)', 'server → members B', 'Welcome B', 'tree B', 'Welcome → joined ms (CPU)'],
      ...results.flatMap((r) => [
        [fmt(r.members), 'remove 1', ms(r.remove.createMs), fmt(r.remove.commitBytes), r.remove.staged ? 'yes' : 'no', ms(r.remove.committedMs), ms(r.remove.allMs), ms(r.remove.processMs), fmt(r.remove.egressBytes), '', '', ''],
        [fmt(r.members), 'add 1', ms(r.join.createMs), fmt(r.join.commitBytes), r.join.staged ? 'yes' : 'no', ms(r.join.committedMs), ms(r.join.allMs), ms(r.join.processMs), fmt(r.join.egressBytes), fmt(r.join.welcomeBytes), fmt(r.join.treeBytes), `${ms(r.join.joinMs)} (${ms(r.join.joinCpuMs)})`],
      ]),
    ]),
  );
}
