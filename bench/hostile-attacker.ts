/**
 * The attacker of the hostile-load benchmark, run as its own process (started at a lower CPU
 * priority by hostile-bench.ts: a real attacker brings its own machine) and driven over IPC: it
 * sets one flood up, runs it when told, reports, and closes what it holds.
 */
import { loadSodium } from '../shared/sodium';
import { FLOODS, type FloodName } from './hostile-flood-list';
import type { AttackReport, Flood, FloodOptions } from './hostile-floods';
import { serveRpc } from './ipc';

export interface AttackerSetup {
  port: number;
  flood: FloodName;
  address: string;
  options: FloodOptions;
}

let flood: Flood | undefined;

serveRpc({
  ready: () => true,
  setup: async (args: AttackerSetup): Promise<string | undefined> => {
    flood = FLOODS[args.flood].make({ sodium: await loadSodium(), port: args.port, address: args.address, o: args.options });
    return flood.setup();
  },
  run: (args: { durationMs: number }): Promise<AttackReport> => flood!.run(args.durationMs),
  close: async () => {
    await flood?.close();
    flood = undefined;
    return true;
  },
});
