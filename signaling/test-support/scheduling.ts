/** What the scheduled-message tests share (signaling/scheduling/*.test.ts): sealing, holding, spotting a delivery. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { sealEnvelope } from '../../shared/envelope';
import { encrypt, epochOf, toBase64Url } from '../../shared/groups';
import type { ParleyClient } from './client';
import type { GroupMember } from './group-member';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const deliverOf = (id: string) => (f: { t: string; id?: string }) => f.t === 'deliver' && f.id === id;

/** `a`'s text for `b` sealed as a scheduled one (the body carries the intended time, and a disappearing one's timer), under a new id. */
export function sealScheduled(a: ParleyClient, b: ParleyClient, at: number, text: string, ttl?: number): { id: string; env: string } {
  const id = randomUUID();
  const to = b.identity!;
  const body = { kind: 'text', text, scheduledFor: at, ...(ttl ? { expiresIn: ttl } : {}) };
  const env = sealEnvelope(a.sodium, { from: a.username, to: to.username, id }, body as never, a.identity!.secretKey, to.publicKey);
  return { id, env };
}

/** `a` schedules a sealed text to `b` for `at` (disappearing `ttl` seconds after it is delivered, when given); returns its id once the server holds it. */
export async function scheduleText(a: ParleyClient, b: ParleyClient, at: number, text: string, ttl?: number): Promise<string> {
  const { id, env } = sealScheduled(a, b, at, text, ttl);
  a.send(ttl === undefined ? { t: 'schedule', id, to: b.username, env, at } : { t: 'schedule', id, to: b.username, env, at, ttl });
  expect(await a.next((f) => f.t === 'scheduled' || (f.t === 'error' && f.ref === id))).toEqual({ t: 'scheduled', id, at });
  return id;
}

/** A group log entry of message `id`. */
export const logOf = (group: string, id: string) => (f: { t: string; group?: string; id?: string }) => f.t === 'group_log' && f.group === group && f.id === id;

/** The `unscheduled` of message `id`. */
export const unscheduledOf = (id: string) => (f: { t: string; id?: string }) => f.t === 'unscheduled' && f.id === id;

/** `m` seals `text` for `group` now, at its current epoch (as for group_send), under a new id. */
export async function sealGroupScheduled(m: GroupMember, group: string, text: string): Promise<{ id: string; epoch: number; env: string }> {
  const state = m.groups.get(group)!;
  const out = await encrypt(state, new TextEncoder().encode(text));
  m.groups.set(group, out.group);
  return { id: `m-${randomUUID()}`, epoch: epochOf(state), env: toBase64Url(out.message) };
}

/** `m` schedules `text` for `group` at `at` (a disappearing one with `ttl`); returns its id once the server holds it. */
export async function scheduleGroupText(m: GroupMember, group: string, at: number, text: string, ttl?: number): Promise<string> {
  const { id, epoch, env } = await sealGroupScheduled(m, group, text);
  m.client.send({ t: 'schedule', id, group, epoch, env, at, ...(ttl !== undefined ? { ttl } : {}) });
  expect(await m.client.next((f) => f.t === 'scheduled' || (f.t === 'error' && f.ref === id))).toEqual({ t: 'scheduled', id, at });
  return id;
}
