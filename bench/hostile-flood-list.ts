/** Every flood of the hostile-load benchmark, in the order they run and are reported. */
import type { FloodKind } from './hostile-floods';
import { connectionFloods } from './hostile-floods-connections';
import { contactFloods } from './hostile-floods-contacts';
import { strangerFloods } from './hostile-floods-strangers';

export const FLOODS = { ...contactFloods, ...strangerFloods, ...connectionFloods } satisfies Record<string, FloodKind>;
export type FloodName = keyof typeof FLOODS;

export const FLOOD_ORDER: FloodName[] = [
  'receipts',
  'requests',
  'requests-spread',
  'registrations',
  'idle-tcp',
  'idle-tcp-spread',
  'unauth-ws',
  'unauth-ws-spread',
  'big-frames',
  'signals',
  'uploads',
  'queue',
];
