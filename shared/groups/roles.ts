/**
 * Parley's roles extension: who owns a group and who administers it, by username, carried in the
 * MLS GroupContext so every member agrees on it per epoch and checks commits against it (see
 * policy.ts). Encoding: UTF-8 JSON `{"v":1,"owner":"…","admins":["…"]}`, admins sorted and
 * unique, validated with zod on the way in.
 */
import type { Extension } from 'ts-mls';
import { z } from 'zod';
import { USERNAME_PATTERN } from '../username';
import { GroupError } from './errors';
import { MLS_LIMITS } from './limits';

/** An extension type from RFC 9420's private-use range (0xF000–0xFFFF, §17.3). */
export const ROLES_EXTENSION_TYPE = 0xf0a1;

export interface Roles {
  owner: string;
  admins: string[];
}

export type Role = 'owner' | 'admin' | 'member';

const username = z.string().regex(USERNAME_PATTERN);
const rolesSchema = z
  .strictObject({ v: z.literal(1), owner: username, admins: z.array(username).max(MLS_LIMITS.maxMembers) })
  .refine((r) => !r.admins.includes(r.owner), 'the owner is not listed among the admins')
  .refine((r) => new Set(r.admins).size === r.admins.length, 'admins are unique');

/** The canonical form of `roles` (admins sorted, unique, without the owner); throws `bad_request` if invalid. */
export function normalizeRoles(roles: Roles): Roles {
  const admins = [...new Set(roles.admins)].filter((a) => a !== roles.owner).sort();
  const parsed = rolesSchema.safeParse({ v: 1, owner: roles.owner, admins });
  if (!parsed.success) throw new GroupError('bad_request', `invalid roles: ${parsed.error.issues[0]?.message}`);
  return { owner: parsed.data.owner, admins: parsed.data.admins };
}

export function rolesExtension(roles: Roles): Extension {
  const r = normalizeRoles(roles);
  return {
    extensionType: ROLES_EXTENSION_TYPE,
    extensionData: new TextEncoder().encode(JSON.stringify({ v: 1, owner: r.owner, admins: r.admins })),
  };
}

/** Reads the roles out of an extension list; a missing or invalid roles extension is `malformed`. */
export function rolesFrom(extensions: readonly Extension[]): Roles {
  const found = extensions.filter((e) => e.extensionType === ROLES_EXTENSION_TYPE);
  if (found.length !== 1) throw new GroupError('malformed', `expected one roles extension, found ${found.length}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(found[0]!.extensionData));
  } catch {
    throw new GroupError('malformed', 'roles extension is not UTF-8 JSON');
  }
  const parsed = rolesSchema.safeParse(json);
  if (!parsed.success) throw new GroupError('malformed', `roles extension: ${parsed.error.issues[0]?.message}`);
  return { owner: parsed.data.owner, admins: parsed.data.admins };
}

export function roleOf(roles: Roles, user: string): Role {
  if (roles.owner === user) return 'owner';
  return roles.admins.includes(user) ? 'admin' : 'member';
}

export const rolesEqual = (a: Roles, b: Roles): boolean =>
  a.owner === b.owner && a.admins.length === b.admins.length && a.admins.every((x, i) => x === b.admins[i]);
