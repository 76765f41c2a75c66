/**
 * MLS costs in Node (`BENCH_ONLY=mls`, well under a minute): ts-mls through Parley's own module
 * (shared/groups), suite 1, the identity key as signature key. A group of N is made by the owner
 * adding the others in one commit (the sparse tree right after: the worst case for later
 * commits); then, from that same state each time, the owner adds one more member, removes one, or
 * sends a message, and one member processes it. Medians of BENCH_MLS_RUNS runs (each a fresh
 * person or message) of the CPU time each step takes (steadier than wall time on a shared machine;
 * ts-mls's WebCrypto calls run on this thread); sizes are bytes on the wire. The Welcome carries
 * no ratchet tree: the joiner fetches it beside the Welcome (shared/groups/trees.ts), in parts of
 * one frame each, so "join" here is the join with the fetched tree and "tree B" what the server
 * sends the joiner besides the Welcome. At 1,000 members each step costs seconds: that size runs
 * at most MAX_RUNS_AT_1000 times.
 */
import { generateKeyPair } from '../shared/identity';
import { loadSodium } from '../shared/sodium';
import {
  type Group,
  type OwnKeyPackage,
  add,
  createGroup,
  encrypt,
  groupEnv,
  join,
  keyPackages,
  processMessage,
  treeParts,
  remove,
} from '../shared/groups';
import { GROUP_LIMITS } from '../shared/limits';
import { fmt, median, table } from './stats';

const MAX_RUNS_AT_1000 = 3;
/** base64url characters of `bytes` bytes: what a frame carries. */
const chars = (bytes: number) => Math.ceil((bytes * 4) / 3);

export interface MlsOptions {
  sizes: number[];
  runs: number;
}

export interface MlsSizeResult {
  members: number;
  addMs: number;
  processAddMs: number;
  joinMs: number;
  removeMs: number;
  processRemoveMs: number;
  encryptMs: number;
  decryptMs: number;
  bytes: { addCommit: number; welcome: number; tree: number; treeParts: number; removeCommit: number; message: number };
  /** What the server sends for one add: the commit to the N − 1 members before, the Welcome and the tree to the joiner. */
  addEgressBytes: number;
  /** Whether the remove commit fits a `group_commit` frame (GROUP_LIMITS.maxCommitChars of base64url). */
  removeFits: boolean;
  runs: number;
}

export interface MlsResult {
  keyPackageMs: number;
  keyPackageBytes: number;
  sizes: MlsSizeResult[];
}

/**
 * Runs `work` and returns its CPU time in ms (user + system of this process): on a loaded
 * machine the steadier figure, and nothing else runs in this process meanwhile.
 */
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const out = await work();
  const c = process.cpuUsage(c0);
  return [out, (c.user + c.system) / 1000];
}

async function people() {
  const s = await loadSodium();
  const pins = new Map<string, Uint8Array>();
  const env = await groupEnv((user, key) => s.memcmp(pins.get(user) ?? new Uint8Array(32), key));
  let next = 0;
  const person = async () => {
    const identity = { username: `user${next++}`, ...generateKeyPair(s) };
    pins.set(identity.username, identity.publicKey);
    return { identity, kp: (await keyPackages(env, s, identity, 1))[0]! as OwnKeyPackage };
  };
  return { s, env, person };
}

async function benchSize(members: number, runs: number): Promise<MlsSizeResult> {
  const { s, env, person } = await people();
  const owner = await person();
  // N − 1 to begin with, so that the measured add makes N (MLS_LIMITS.maxMembers caps a group at 1,000).
  const others = await Promise.all(Array.from({ length: members - 2 }, person));
  const g0 = await createGroup(env, s, owner.identity, crypto.getRandomValues(new Uint8Array(16)), { owner: owner.identity.username, admins: [] });
  const bulk = await add(g0, others.map((o) => o.kp.publicPackage));
  const base: Group = bulk.group;
  const reader = others[others.length - 1]!;
  const readerGroup = (await join(env, s, reader.identity, bulk.welcome!, [reader.kp], undefined, bulk.tree)).group;
  const t = { add: [] as number[], processAdd: [] as number[], join: [] as number[], remove: [] as number[], processRemove: [] as number[], encrypt: [] as number[], decrypt: [] as number[] };
  const bytes = { addCommit: 0, welcome: 0, tree: 0, treeParts: 0, removeCommit: 0, message: 0 };
  for (let i = 0; i < runs; i++) {
    const newcomer = await person();
    const [added, addMs] = await timed(() => add(base, [newcomer.kp.publicPackage]));
    t.add.push(addMs);
    t.processAdd.push((await timed(() => processMessage(readerGroup, added.commit)))[1]);
    t.join.push((await timed(() => join(env, s, newcomer.identity, added.welcome!, [newcomer.kp], undefined, added.tree)))[1]);
    const target = others[i % (others.length - 1)]!.identity.username;
    const [removed, removeMs] = await timed(() => remove(base, [target]));
    t.remove.push(removeMs);
    t.processRemove.push((await timed(() => processMessage(readerGroup, removed.commit)))[1]);
    const [sent, encryptMs] = await timed(() => encrypt(base, new Uint8Array(100)));
    t.encrypt.push(encryptMs);
    t.decrypt.push((await timed(() => processMessage(readerGroup, sent.message)))[1]);
    Object.assign(bytes, {
      addCommit: added.commit.length,
      welcome: added.welcome!.length,
      tree: added.tree!.length,
      treeParts: treeParts(added.tree!).length,
      removeCommit: removed.commit.length,
      message: sent.message.length,
    });
  }
  return {
    members,
    addMs: median(t.add),
    processAddMs: median(t.processAdd),
    joinMs: median(t.join),
    removeMs: median(t.remove),
    processRemoveMs: median(t.processRemove),
    encryptMs: median(t.encrypt),
    decryptMs: median(t.decrypt),
    bytes,
    addEgressBytes: bytes.addCommit * (members - 1) + bytes.welcome + bytes.tree,
    removeFits: chars(bytes.removeCommit) <= GROUP_LIMITS.maxCommitChars,
    runs,
  };
}

export async function benchMls(options: MlsOptions, log: (line: string) => void): Promise<MlsResult> {
  const { s, env } = await people();
  const identity = { username: 'kpbench', ...generateKeyPair(s) };
  await keyPackages(env, s, identity, 3); // warm-up
  const kpTimes: number[] = [];
  let kpBytes = 0;
  for (let i = 0; i < 20; i++) {
    const [kps, ms] = await timed(() => keyPackages(env, s, identity, 1));
    kpTimes.push(ms);
    kpBytes = kps[0]!.publicPackage.length;
  }
  const sizes: MlsSizeResult[] = [];
  for (const n of options.sizes) {
    log(`  N = ${n} …`);
    sizes.push(await benchSize(n, n >= 1000 ? Math.min(options.runs, MAX_RUNS_AT_1000) : options.runs));
  }
  return { keyPackageMs: median(kpTimes), keyPackageBytes: kpBytes, sizes };
}

export function reportMls(r: MlsResult, log: (line: string) => void): void {
  const ms = (v: number) => fmt(v, 1);
  log('');
  log(`MLS (ts-mls through shared/groups, Node ${process.version}, suite 1), medians of CPU ms:`);
  log(`  key package: ${ms(r.keyPackageMs)} ms, ${fmt(r.keyPackageBytes)} B`);
  log(
    table([
      ['N (after the add)', 'runs', 'add 1', 'process add', 'join', 'remove 1', 'process remove', 'encrypt', 'decrypt', 'add commit B', 'Welcome B', 'tree B (parts)', 'add egress B', 'remove commit B', 'message B'],
      ...r.sizes.map((x) => [
        fmt(x.members),
        fmt(x.runs),
        ms(x.addMs),
        ms(x.processAddMs),
        ms(x.joinMs),
        ms(x.removeMs),
        ms(x.processRemoveMs),
        ms(x.encryptMs),
        ms(x.decryptMs),
        fmt(x.bytes.addCommit),
        fmt(x.bytes.welcome),
        `${fmt(x.bytes.tree)} (${x.bytes.treeParts})`,
        fmt(x.addEgressBytes),
        `${fmt(x.bytes.removeCommit)}${x.removeFits ? '' : ' (over a frame)'}`,
        fmt(x.bytes.message),
      ]),
    ]),
  );
  log('  The group is sparse (one bulk add, nobody has committed since): removals encrypt to every member, the worst case.');
  log('  The Welcome carries no tree; the joiner fetches "tree B" beside it in frames of one part each ("add egress": commit to N − 1, Welcome, tree).');
}

export const mlsSummary = (r: MlsResult) => ({
  keyPackageMs: Number(r.keyPackageMs.toFixed(2)),
  keyPackageBytes: r.keyPackageBytes,
  sizes: r.sizes.map((x) => ({ ...x, ...Object.fromEntries(Object.entries(x).filter(([k]) => k.endsWith('Ms')).map(([k, v]) => [k, Number((v as number).toFixed(2))])) })),
});
