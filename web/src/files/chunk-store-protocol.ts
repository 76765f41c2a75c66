/** Messages between the page (chunk-store.ts) and the storage worker (chunk-store-worker.ts). */

/** The OPFS directory holding receptions, one file per transfer named by its file id. */
export const STORE_DIR = 'parley-transfers';

export type StoreRequest =
  | { op: 'open'; id: number; name: string; keepBytes: number }
  | { op: 'write'; id: number; name: string; at: number; parts: Uint8Array[]; flush: boolean }
  | { op: 'close'; id: number; name: string }
  | { op: 'remove'; id: number; name: string };

export type StoreReply = { id: number; ok: true; size?: number } | { id: number; ok: false; error: string };
