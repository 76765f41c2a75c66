/** The scheduled messages' parts a server holds: the store, its scheduler, the limits. */
import type { Logger } from 'pino';
import type { GroupService } from '../groups/service';
import { mayDeliverHeld } from '../policy';
import type { Router } from '../routing/router';
import type { Store } from '../store/store';
import type { ScheduleSettings } from './schedule-settings';
import type { HeldMessage, ScheduleStore } from './schedule-store';
import { deliverHeldGroup } from './group-held';
import { type HeldOutcome, Scheduler } from './scheduler';

export interface ScheduleService {
  store: ScheduleStore;
  scheduler: Scheduler;
  settings: ScheduleSettings;
}

export function createScheduleService(held: ScheduleStore, store: Store, router: Router, groups: GroupService, settings: ScheduleSettings, log: Logger): ScheduleService {
  const direct = async (m: HeldMessage, now: number): Promise<HeldOutcome> => {
    // Dropped as a blocked send is: the sender is told it went.
    if (!(await mayDeliverHeld(store.contacts, m.sender, m.to))) return { sent: true };
    // Sent "then": its timestamp is its delivery time, as for a message sent at that moment; a
    // disappearing one's queued copy ends its timer after that, as a live send's would.
    const msg = { from: m.sender, id: m.id, env: m.env, ts: now, ...(m.ttl !== undefined ? { expiresAt: now + m.ttl * 1000 } : {}) };
    const result = await router.release(msg, m.to);
    return result === 'stored' || result === 'duplicate' ? { sent: true } : 'later';
  };
  const scheduler = new Scheduler({
    store: held,
    log,
    deliver: (m, now) => (m.epoch === undefined ? direct(m, now) : deliverHeldGroup(groups, m)),
    settled: (m, outcome) => {
      const frame = { t: 'unscheduled' as const, id: m.id, ...outcome };
      router.deliver(m.sender, { t: 'notice', frame }).catch(() => undefined);
    },
  });
  return { store: held, scheduler, settings };
}
