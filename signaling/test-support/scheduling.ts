/** What the scheduled-message tests share (signaling/scheduling/*.test.ts): sealing, holding, spotting a delivery. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { sealEnvelope } from '../../shared/envelope';
import type { ParleyClient } from './client';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const deliverOf = (id: string) => (f: { t: string; id?: string }) => f.t === 'deliver' && f.id === id;

/** `a`'s text for `b` sealed as a scheduled one (the body carries the intended time), under a new id. */
export function sealScheduled(a: ParleyClient, b: ParleyClient, at: number, text: string): { id: string; env: string } {
  const id = randomUUID();
  const to = b.identity!;
  const env = sealEnvelope(a.sodium, { from: a.username, to: to.username, id }, { kind: 'text', text, scheduledFor: at } as never, a.identity!.secretKey, to.publicKey);
  return { id, env };
}

/** `a` schedules a sealed text to `b` for `at`; returns its id once the server holds it. */
export async function scheduleText(a: ParleyClient, b: ParleyClient, at: number, text: string): Promise<string> {
  const { id, env } = sealScheduled(a, b, at, text);
  a.send({ t: 'schedule', id, to: b.username, env, at });
  expect(await a.next((f) => f.t === 'scheduled' || (f.t === 'error' && f.ref === id))).toEqual({ t: 'scheduled', id, at });
  return id;
}
