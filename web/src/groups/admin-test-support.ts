/**
 * For the admin part's tests only (admin-*.test.ts): core's devices (test-device.ts: the real
 * Groups on an in-process server), the MLS state as a
 * device's IndexedDB holds it, a refusal read as its code, and a group set up through the admin part.
 */
import { type Group, deserialize, groupEnv, members } from '../../../shared/groups/index';
import { loadSodium } from '../../../shared/sodium';
import { ParleyError } from '../net/parley-error';
import { type GroupDevice, type GroupWorld, befriend, until } from './test-device';

/** A new device (core's, with the admin part inside its Groups). */
export const adminDevice = (world: GroupWorld, prefix: string): Promise<GroupDevice> => world.device(prefix);

/** The MLS state of group `id` as this device's IndexedDB holds it. */
export async function stored(d: GroupDevice, id: string): Promise<Group> {
  const record = await d.db.get('groups', id);
  if (!record?.state) throw new Error('no stored state');
  return deserialize(await groupEnv(() => true), await loadSodium(), d.profile.identity, record.state);
}

export const storedMembers = async (d: GroupDevice, id: string): Promise<string[]> => members(await stored(d, id)).map((m) => m.username).sort();

/** 'resolved', or the ParleyError's code (anything else thrown reads as a failure). */
export const code = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ParleyError ? e.code : `not a ParleyError: ${String(e)}`),
  );

/** `owner`'s new group with `others` (made its contacts) added through the admin part; every view refreshed. */
export async function groupWith(owner: GroupDevice, others: GroupDevice[], name = 'Night owls', listed = true): Promise<string> {
  for (const o of others) await befriend(owner, o);
  const id = await owner.groups.create({ name, listed });
  if (others.length > 0) await owner.groups.admin.addMembers(id, others.map((o) => o.name));
  for (const o of others) await until(`${o.name} joined`, () => o.groups.view(id)?.name === name);
  for (const d of [owner, ...others]) await d.groups.admin.refresh(id);
  return id;
}

/** The state and error code of the last message in group `id` on `d`, once it is no longer on its way. */
export async function lastSend(d: GroupDevice, id: string): Promise<{ state: string; error?: string }> {
  const last = async () => (await d.messenger.conversation(`grp:${id}`)).at(-1);
  await until('the send settled', async () => ['failed', 'sent', 'delivered'].includes((await last())?.state ?? ''));
  const m = (await last())!;
  return { state: m.state, ...(m.error ? { error: m.error } : {}) };
}
