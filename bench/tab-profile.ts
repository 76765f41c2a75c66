/**
 * A V8 CPU profile of one tab (CDP Profiler), for finding where a slow transfer spends the tab's
 * time: written as a .cpuprofile file (DevTools → Performance → Load profile) and summed up as the
 * functions with the most self time. Only used on request (BENCH_FILES_PROF): the profiler slows
 * the tab, so profiled runs are never among the measured ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from '@playwright/test';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotSpot {
  name: string;
  /** Self time, ms. */
  selfMs: number;
  share: number;
}

export class TabProfiler {
  private constructor(private readonly cdp: CDPSession) {}

  static async start(page: Page): Promise<TabProfiler> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    return new TabProfiler(cdp);
  }

  /** Stops, writes `<file>.cpuprofile` and returns the top `top` functions by self time. */
  async stop(file: string, top = 12): Promise<{ wallMs: number; hot: HotSpot[] }> {
    const { profile } = (await this.cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await this.cdp.detach().catch(() => undefined);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
    return { wallMs: (profile.endTime - profile.startTime) / 1000, hot: hotSpots(profile, top) };
  }
}

/** Self time per function (same name and place summed), largest first; idle time is left out of the shares. */
function hotSpots(profile: CpuProfile, top: number): HotSpot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = byId.get(samples[i]!)?.callFrame;
    if (!frame) continue;
    // A sample's time is the gap to the next one.
    const us = deltas[i + 1] ?? 0;
    const where = frame.url ? ` ${path.basename(frame.url.split('?')[0]!)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    self.set(name, (self.get(name) ?? 0) + us);
  }
  const busy = [...self].filter(([name]) => name !== '(idle)').reduce((sum, [, us]) => sum + us, 0);
  return [...self]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: busy > 0 ? us / busy : 0 }));
}
