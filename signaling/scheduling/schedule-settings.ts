/** The scheduled messages' limits (issue 13, item 3), read from the environment like config.ts. */
import { z } from 'zod';
import { int, parseEnv } from '../env-settings';

const ScheduleEnv = z.object({
  /** Messages one user may have held at once (`schedule_full` past it). */
  SCHEDULE_MAX_PENDING: int(100),
  /** How far ahead a message may be scheduled (`schedule_too_far` past it); a year by default. */
  SCHEDULE_MAX_AHEAD_SECONDS: int(365 * 24 * 3600),
});

export interface ScheduleSettings {
  maxPending: number;
  maxAheadMs: number;
}

export function loadScheduleSettings(env: NodeJS.ProcessEnv): ScheduleSettings {
  const e = parseEnv(ScheduleEnv, env);
  return { maxPending: e.SCHEDULE_MAX_PENDING, maxAheadMs: e.SCHEDULE_MAX_AHEAD_SECONDS * 1000 };
}
