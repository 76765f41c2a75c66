/**
 * The file benchmark's setting and its single runs: the real server and the bare forwarder, two
 * people (alice sends, bob receives) each in their own persistent Chromium profile with the
 * conversation open, and one transfer of any kind measured with the CPU every part used and,
 * for the app's transfers, the receiving tab's memory.
 *
 * Profiles are persistent (a user-data dir on disk), as a real person's is: the receiver's file
 * goes to OPFS and its progress to IndexedDB on disk, not to the in-memory stores of an incognito
 * context.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium, expect } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium';
import { ParleyUser } from '../e2e/support/parley-user';
import { ServerProcess } from '../signaling/test-support/server-process';
import { type TransferTimes, sendThroughApp, writeRandomFile } from './app-transfer';
import { type Listening, readMachineBusySeconds, startBareForwarder, stopChild } from './children';
import { type BlobCensus, blobCensus } from './blob-census';
import { type ProgressSaves, installSaveProbe, savesWithin, takeSaves } from './progress-saves';
import { type BrowserProcesses, cpuOf, findBrowserProcesses, refreshOthers, privateRssOf, rssOf } from './proc-tree';
import { type RawOptions, allowSerializedFunctions, bareChannelRun, bareSocketRun } from './raw-links';
import { type HotSpot, TabProfiler } from './tab-profile';
import { sleep } from './stats';
import { type MemoryPeaks, TabMemorySampler } from './tab-memory';

export type RunKind = 'bareChannel' | 'direct' | 'bareSocket' | 'relay';
export type AppPath = 'direct' | 'relay';

/** CPU cores (CPU seconds per wall second) each part used during a run. */
export interface CpuShare {
  senderTab: number;
  receiverTab: number;
  /** The sender's Chromium but its tab: browser process (file reads), network service, GPU, zygotes. */
  senderBrowser: number;
  /** The receiver's Chromium but its tab: browser process (IndexedDB, Blobs), network service... */
  receiverBrowser: number;
  /** The Parley server, or the bare forwarder. */
  server: number;
  /** Everything else on the machine. */
  other: number;
}

/** Seconds between the milestones of an app transfer (see TransferTimes). */
export interface AppPhases {
  /** attached → the receiver's entry shows: the sender's SHA-256 of the file, the sealed offer's trip. */
  toOffer: number;
  /** Of which: attached → the sender's own entry shows (mostly its SHA-256). */
  senderHash: number;
  /** Offer shown → first batch of chunks stored (written and its progress saved). */
  toFirstChunk: number;
  /** First chunk stored → verifying (the chunks' trip and storage). */
  chunks: number;
  /**
   * Verifying → download link: the receiver's final check (closes the file, compares the SHA-256 it
   * computed chunk by chunk with the offer's); ~0 now that nothing is read back.
   */
  verify: number;
  /** Offer shown → download link: the transfer without the sender's hash. */
  transfer: number;
}

/** What the receiver's Chromium holds at one moment. */
export interface ReceiverHoldings {
  blobs?: BlobCensus;
  browserRss: number;
  rendererPrivate: number;
}

export interface FilesRun {
  kind: RunKind;
  round: number;
  /** Attached → download link for the app; first byte sent → last byte received for the bare runs. */
  seconds: number;
  mbPerSec: number;
  cpu: CpuShare;
  phases?: AppPhases;
  /** The receiving tab, sampled every ~100 ms during the transfer. */
  memory?: MemoryPeaks;
  /** The receiver's progress saves during the chunks phase (the field keeps its old name: other scripts read it). */
  storage?: ProgressSaves;
}

const MB = 1e6;

function phasesOf(t: TransferTimes): AppPhases | undefined {
  if (t.offered === undefined || t.firstChunk === undefined) return undefined;
  const verifying = t.verifying ?? t.link;
  return {
    toOffer: (t.offered - t.attached) / 1000,
    senderHash: ((t.senderShown ?? t.offered) - t.attached) / 1000,
    toFirstChunk: (t.firstChunk - t.offered) / 1000,
    chunks: (verifying - t.firstChunk) / 1000,
    verify: (t.link - verifying) / 1000,
    transfer: (t.link - t.offered) / 1000,
  };
}

export class FilesSession {
  #fileNo = 0;
  readonly #files = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-files-src-'));
  #server: ServerProcess | undefined;
  #forwarder: Listening | undefined;
  readonly #contexts: BrowserContext[] = [];
  readonly #dirs: string[] = [this.#files];
  /** alice (sends) and bob (receives). */
  #pair: [ParleyUser, ParleyUser] | undefined;
  #senderProcs: BrowserProcesses | undefined;
  #receiverProcs: BrowserProcesses | undefined;
  #sampler: TabMemorySampler | undefined;

  constructor(private readonly raw: Omit<RawOptions, 'bytes'>) {}

  /** Starts everything; alice and bob become contacts through the UI and open their conversation. */
  async open(webDir?: string): Promise<void> {
    this.#server = await ServerProcess.start({ env: { LOG_LEVEL: 'warn', ...(webDir ? { WEB_DIR: webDir } : {}) } });
    this.#forwarder = await startBareForwarder();
    const alice = await this.#openUser('alice');
    const bob = await this.#openUser('bob');
    this.#pair = [alice.user, bob.user];
    await alice.user.signUp();
    await bob.user.signUp();
    await alice.user.befriend(bob.user);
    await alice.user.openChat('bob');
    await bob.user.openChat('alice');
    await this.usePath('direct');
    this.#senderProcs = await findBrowserProcesses(alice.user.page, alice.dir);
    this.#receiverProcs = await findBrowserProcesses(bob.user.page, bob.dir);
    this.#sampler = await TabMemorySampler.open(bob.user.page, this.#receiverProcs);
    await installSaveProbe(bob.user.page);
  }

  get receiverPage(): Page {
    return this.#users()[1].page;
  }

  /** The receiver's "Relay only" setting, and the link on both sides settled on the path it implies. */
  async usePath(want: AppPath): Promise<void> {
    const [alice, bob] = this.#users();
    await bob.setSetting('Relay only', want === 'relay');
    for (const u of [alice, bob]) await expect(u.connectionPath()).toHaveText(want, { timeout: 30_000 });
  }

  /** One transfer of `bytes`, measured. */
  async run(kind: RunKind, round: number, bytes: number): Promise<FilesRun> {
    const [alice, bob] = this.#users();
    const file = kind === 'direct' || kind === 'relay' ? await this.#prepareAppRun(kind, bytes) : undefined;
    // A utility process or spare renderer may have come or gone since the last run.
    const tx = (this.#senderProcs = refreshOthers(this.#senderProcs!));
    const rx = (this.#receiverProcs = refreshOthers(this.#receiverProcs!));
    const groups = [[tx.renderer], [rx.renderer], tx.others, rx.others, [this.#server!.pid, this.#forwarder!.pid]];
    const cpu0 = groups.map(cpuOf);
    const busy0 = readMachineBusySeconds();
    const wall0 = performance.now();
    const raw: RawOptions = { ...this.raw, bytes };
    let seconds: number;
    let phases: AppPhases | undefined;
    let memory: MemoryPeaks | undefined;
    let storage: ProgressSaves | undefined;
    if (file) {
      this.#sampler!.start();
      try {
        await takeSaves(bob.page); // whatever came before this transfer
        const times = await sendThroughApp(alice, bob, file, this.raw.timeoutMs);
        seconds = (times.link - times.attached) / 1000;
        phases = phasesOf(times);
        // The chunks phase only: the saves of state changes (→ verifying, → done) are not progress.
        // When the poll misses 'Checking integrity…' the phase ends at the link, and those two
        // (at its very end) count too: noise beside one progress save per batch (batches are small
        // under load: ~200 saves for 16 MiB here).
        const saves = await takeSaves(bob.page);
        if (times.firstChunk !== undefined) storage = savesWithin(saves, times.firstChunk, times.verifying ?? times.link);
      } finally {
        memory = await this.#sampler!.stop();
        fs.rmSync(file, { force: true });
      }
    } else if (kind === 'bareChannel') {
      seconds = await bareChannelRun(alice.page, bob.page, raw);
    } else {
      seconds = await bareSocketRun(alice.page, bob.page, `ws://127.0.0.1:${this.#forwarder!.port}`, `run${++this.#fileNo}`, raw);
    }
    const wall = (performance.now() - wall0) / 1000;
    const used = groups.map((g, i) => (cpuOf(g) - cpu0[i]!) / wall) as [number, number, number, number, number];
    const [senderTab, receiverTab, senderBrowser, receiverBrowser, server] = used;
    const ours = used.reduce((a, b) => a + b, 0);
    const other = Math.max(0, (readMachineBusySeconds() - busy0) / wall - ours);
    return { kind, round, seconds, mbPerSec: bytes / MB / seconds, cpu: { senderTab, receiverTab, senderBrowser, receiverBrowser, server, other }, phases, memory, storage };
  }

  /** One app transfer with the CPU profiler on in both tabs (not a measured run: the profiler slows them). */
  async profile(kind: AppPath, bytes: number, dir: string): Promise<Record<'sender' | 'receiver', HotSpot[]>> {
    const [alice, bob] = this.#users();
    const file = await this.#prepareAppRun(kind, bytes);
    const profilers = [await TabProfiler.start(alice.page), await TabProfiler.start(bob.page)] as const;
    try {
      await sendThroughApp(alice, bob, file, this.raw.timeoutMs);
    } finally {
      fs.rmSync(file, { force: true });
    }
    const sender = await profilers[0].stop(path.join(dir, `${kind}-sender`));
    const receiver = await profilers[1].stop(path.join(dir, `${kind}-receiver`));
    return { sender: sender.hot, receiver: receiver.hot };
  }

  /**
   * The receiver's Blobs and memory now, and again once its tab has collected garbage: Blobs its
   * tab still refers to (the finished files behind the download links, disk-backed) stay listed in
   * the browser process until then.
   */
  async receiverHoldings(): Promise<{ now: ReceiverHoldings; afterGc: ReceiverHoldings }> {
    const bob = this.#users()[1];
    const procs = this.#receiverProcs!;
    const holdings = async (): Promise<ReceiverHoldings> => ({
      blobs: await blobCensus(bob.context),
      browserRss: rssOf(procs.browser),
      rendererPrivate: privateRssOf(procs.renderer),
    });
    const now = await holdings();
    const cdp = await bob.context.newCDPSession(bob.page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.detach();
    await sleep(2000); // the browser process hears of the dropped Blobs asynchronously
    return { now, afterGc: await holdings() };
  }

  async close(): Promise<void> {
    await this.#sampler?.close();
    for (const c of this.#contexts) await c.close().catch(() => undefined);
    for (const dir of this.#dirs) fs.rmSync(dir, { recursive: true, force: true });
    if (this.#forwarder) await stopChild(this.#forwarder.child);
    await this.#server?.dispose();
  }

  async #prepareAppRun(kind: AppPath, bytes: number): Promise<string> {
    await this.usePath(kind);
    // A fresh name each time: the same conversation, a new transfer, a new SHA-256 to compute.
    return writeRandomFile(this.#files, `bench-${kind}-${++this.#fileNo}.bin`, bytes);
  }

  async #openUser(name: string): Promise<{ user: ParleyUser; context: BrowserContext; dir: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-files-${name}-`));
    this.#dirs.push(dir);
    // bypassCSP: the app's connect-src 'self' would stop the tab's bare WebSocket to the forwarder's port.
    const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, bypassCSP: true });
    this.#contexts.push(context);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => console.error(`[${name} page error]`, err.message));
    await page.goto(this.#server!.origin);
    await allowSerializedFunctions(page);
    return { user: new ParleyUser(name, context, page, this.#server!), context, dir };
  }

  #users(): [ParleyUser, ParleyUser] {
    if (!this.#pair) throw new Error('the session is not open');
    return this.#pair;
  }
}
