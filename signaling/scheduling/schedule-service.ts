/** The scheduled messages' parts a server holds: the store, its scheduler, the limits. */
import type { Logger } from 'pino';
import { mayDeliverHeld } from '../policy';
import type { Router } from '../routing/router';
import type { Store } from '../store/store';
import type { ScheduleSettings } from './schedule-settings';
import type { ScheduleStore } from './schedule-store';
import { Scheduler } from './scheduler';

export interface ScheduleService {
  store: ScheduleStore;
  scheduler: Scheduler;
  settings: ScheduleSettings;
}

export function createScheduleService(held: ScheduleStore, store: Store, router: Router, settings: ScheduleSettings, log: Logger): ScheduleService {
  const scheduler = new Scheduler({
    store: held,
    log,
    allowed: (m) => mayDeliverHeld(store.contacts, m.sender, m.to),
    // Sent "then": its timestamp is its delivery time, as for a message sent at that moment.
    release: (m, now) => router.release({ from: m.sender, id: m.id, env: m.env, ts: now }, m.to),
    settled: (m) => {
      router.deliver(m.sender, { t: 'notice', frame: { t: 'unscheduled', id: m.id, sent: true } }).catch(() => undefined);
    },
  });
  return { store: held, scheduler, settings };
}
