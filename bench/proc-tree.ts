/**
 * Chromium's processes as /proc shows them, for the file-transfer benchmark: which browser
 * process belongs to which profile, which renderer runs a given tab, and how much CPU and memory
 * they use. CDP reports a tab's JS heap but not its process, so the renderer is told apart from
 * its siblings (spare renderers, utilities) by making the tab burn CPU and seeing who burned it.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { readCpuSeconds, readRssBytes } from './children';

interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      out.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** `root` and every process below it. */
function descendants(all: ProcInfo[], root: number): ProcInfo[] {
  const found: ProcInfo[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const p of all) {
      if (p.pid === pid) found.push(p);
      if (p.ppid === pid) queue.push(p.pid);
    }
  }
  return found;
}

/** The processes of one Chromium instance: its main process, the tab's renderer, and the rest. */
export interface BrowserProcesses {
  browser: number;
  renderer: number;
  /** Where the tab's profile lives (the Chromium started with it is ours). */
  userDataDir: string;
  /** Every process of this Chromium but the tab's renderer (browser, zygotes, network service, spare renderers). */
  others: number[];
}

/**
 * Finds the Chromium that Playwright started (our child) for the profile in `userDataDir`, and the
 * renderer running `page` in it.
 */
export async function findBrowserProcesses(page: Page, userDataDir: string): Promise<BrowserProcesses> {
  const all = listProcesses();
  const browser = all.find((p) => p.ppid === process.pid && p.cmdline.includes(`--user-data-dir=${userDataDir}`));
  if (!browser) throw new Error(`no Chromium child process for ${userDataDir}`);
  const tree = descendants(all, browser.pid);
  const renderers = tree.filter((p) => p.cmdline.includes('--type=renderer')).map((p) => p.pid);
  const cpu = (pids: number[]) => pids.map((pid) => safe(() => readCpuSeconds(pid), 0));
  const before = cpu(renderers);
  await page.evaluate(() => {
    const end = performance.now() + 400;
    while (performance.now() < end) {
      // burn: the renderer that runs this tab is the one whose CPU time moves by ~0.4 s
    }
  });
  const deltas = cpu(renderers).map((v, i) => v - before[i]!);
  const best = deltas.indexOf(Math.max(...deltas));
  if (best < 0 || deltas[best]! < 0.2) throw new Error(`could not tell which renderer runs the tab (CPU deltas ${deltas.join(', ')})`);
  const renderer = renderers[best]!;
  return { browser: browser.pid, renderer, userDataDir, others: tree.map((p) => p.pid).filter((pid) => pid !== renderer) };
}

/** The processes of the same Chromium now (a utility or spare renderer may have come or gone). */
export function refreshOthers(b: BrowserProcesses): BrowserProcesses {
  const tree = descendants(listProcesses(), b.browser);
  return { ...b, others: tree.map((p) => p.pid).filter((pid) => pid !== b.renderer) };
}

/** CPU seconds used so far by `pids` together (processes that are gone count 0). */
export function cpuOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + safe(() => readCpuSeconds(pid), 0), 0);
}

export function rssOf(pid: number): number {
  return safe(() => readRssBytes(pid), 0);
}

/**
 * Bytes of `pid`'s resident memory that are its own (RssAnon: heap, V8, buffers), without the
 * shared mappings of Chromium's binary and libraries (RssFile) that every Chromium process counts
 * in its RSS. Close to what Chrome's task manager calls a tab's memory footprint.
 */
export function privateRssOf(pid: number): number {
  return safe(() => {
    const kb = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  }, 0);
}

/**
 * `pid`'s proportional set size: its own pages plus its share of the pages it shares (Chromium's
 * code, mapped by every one of its processes, counts 1/n in each of n). The fair answer to "how
 * much memory is this tab", between RssAnon (own pages only) and RSS (all shared pages in full).
 */
export function pssOf(pid: number): number {
  return safe(() => {
    const kb = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  }, 0);
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
