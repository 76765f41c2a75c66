/** Every flood of the hostile-load benchmark, in the order they run and are reported. */
import type { FloodKind } from './hostile-floods';
import { contactFloods } from './hostile-floods-contacts';
import { strangerFloods } from './hostile-floods-strangers';

export const FLOODS = { ...contactFloods, ...strangerFloods } satisfies Record<string, FloodKind>;
export type FloodName = keyof typeof FLOODS;

export const FLOOD_ORDER: FloodName[] = [
  'receipts',
  'requests',
  'requests-spread',
  'registrations',
  'idle-tcp',
  'unauth-ws',
  'big-frames',
  'signals',
  'uploads',
  'queue',
];
