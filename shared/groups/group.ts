/**
 * A group as this device holds it: an immutable ts-mls state plus the env it runs in. Every
 * operation returns a new Group; the old one stays valid until the caller drops it (a commit
 * the server refuses with `stale_epoch` is simply forgotten). Secrets a new state no longer
 * needs come back as `consumed`: wipe() them once the new state is stored.
 */
import {
  type ClientState,
  createGroup as mlsCreateGroup,
  decodeGroupState,
  emptyPskIndex,
  encodeGroupState,
  joinGroup,
  zeroOutUint8Array,
} from 'ts-mls';
import type { Identity } from '../identity';
import type { Sodium } from '../sodium';
import { bytesEqual, decodeMessage, toBase64Url, usernameOf } from './codec';
import { type GroupEnv, clientConfig, settle, withAuth } from './env';
import { GroupError } from './errors';
import { type OwnKeyPackage, decodeKeyPackage, makeKeyPackage, signatureSeed } from './key-packages';
import { MLS_LIMITS } from './limits';
import type { PolicyView } from './policy';
import { type Role, type Roles, roleOf, rolesExtension, rolesFrom } from './roles';
import { SUITE_NAME } from './suite';
import { decodeTree } from './trees';

export interface Group {
  readonly env: GroupEnv;
  /** ts-mls's state: only this folder reads it. */
  readonly state: ClientState;
}

export interface Member {
  leaf: number;
  username: string;
  signatureKey: Uint8Array;
}

/** Zeroes secrets a replaced state no longer needs (call once the new state is stored). */
export function wipe(consumed: readonly Uint8Array[]): void {
  for (const secret of consumed) zeroOutUint8Array(secret);
}

/** Every member, by leaf index (blank leaves skipped). */
export function members(group: Group): Member[] {
  const out: Member[] = [];
  group.state.ratchetTree.forEach((node, index) => {
    if (index % 2 === 0 && node?.nodeType === 'leaf') {
      out.push({ leaf: index / 2, username: usernameOf(node.leaf.credential), signatureKey: node.leaf.signaturePublicKey });
    }
  });
  return out;
}

export const groupIdOf = (group: Group): string => toBase64Url(group.state.groupContext.groupId);
export const epochOf = (group: Group): number => Number(group.state.groupContext.epoch);
export const rolesOf = (group: Group): Roles => rolesFrom(group.state.groupContext.extensions);
export const ownLeaf = (group: Group): number => group.state.privatePath.leafIndex;
export const isActive = (group: Group): boolean => group.state.groupActiveState.kind === 'active';

/** The role `username` holds in this epoch ('member' for anyone not named, members or not). */
export const roleIn = (group: Group, username: string): Role => roleOf(rolesOf(group), username);

/** What the roles policy sees of a state: roles and who sits where. */
export function policyView(state: ClientState): PolicyView {
  const group = { state } as Group;
  const byLeaf = new Map(members(group).map((m) => [m.leaf, m.username]));
  return { roles: rolesFrom(state.groupContext.extensions), usernameAt: (leaf) => byLeaf.get(leaf), members: new Set(byLeaf.values()) };
}

function checkGroupId(groupId: Uint8Array): void {
  if (groupId.length !== MLS_LIMITS.groupIdBytes) throw new GroupError('bad_request', `group id must be ${MLS_LIMITS.groupIdBytes} bytes`);
}

/** A new group at epoch 0 with `identity` alone at leaf 0; `roles.owner` must be that user. */
export async function createGroup(env: GroupEnv, s: Sodium, identity: Identity, groupId: Uint8Array, roles: Roles): Promise<Group> {
  checkGroupId(groupId);
  if (roles.owner !== identity.username) throw new GroupError('bad_request', 'the creator must be the owner');
  const { kp, own } = await makeKeyPackage(env, s, identity);
  const priv = { initPrivateKey: own.initPrivateKey, hpkePrivateKey: own.hpkePrivateKey, signaturePrivateKey: signatureSeed(s, identity) };
  const state = await withAuth(env, undefined, 'crypto', 'create group', (_, config) =>
    mlsCreateGroup(groupId, kp, priv, [rolesExtension(roles)], env.suite.impl, config),
  );
  return { env, state: settle(env, state) };
}

/**
 * Joins from a Welcome with the one of this device's key packages it was made for, and the
 * epoch's ratchet tree fetched beside it (trees.ts; the Welcome does not carry it). ts-mls checks
 * the tree against the tree hash in the Welcome's signed GroupInfo, so a tree that was changed or
 * is another epoch's is refused (`crypto`); every leaf goes through the authentication service.
 */
export async function join(
  env: GroupEnv,
  s: Sodium,
  identity: Identity,
  welcomeBytes: Uint8Array,
  own: readonly OwnKeyPackage[],
  /** The group the Welcome was delivered for (base64url): an adder cannot seat the joiner in another one (review L9). */
  expectedGroupId?: string,
  /** The encoded ratchet tree of the Welcome's epoch (as CommitResult.tree). */
  tree?: Uint8Array,
): Promise<{ group: Group; keyPackageRef: string }> {
  const message = decodeMessage(welcomeBytes);
  if (message.wireformat !== 'mls_welcome') throw new GroupError('wrong_kind', `${message.wireformat}, not a Welcome`);
  if (message.welcome.cipherSuite !== SUITE_NAME) throw new GroupError('unsupported', `cipher suite ${message.welcome.cipherSuite}`);
  const refs = new Set(message.welcome.secrets.map((x) => toBase64Url(x.newMember)));
  const mine = own.find((kp) => refs.has(kp.ref));
  if (!mine) throw new GroupError('no_key_package', 'the Welcome is for none of this device’s key packages');
  const kp = decodeKeyPackage(mine.publicPackage);
  const ratchetTree = tree === undefined ? undefined : decodeTree(tree);
  const priv = { initPrivateKey: mine.initPrivateKey, hpkePrivateKey: mine.hpkePrivateKey, signaturePrivateKey: signatureSeed(s, identity) };
  const state = await withAuth(env, undefined, 'crypto', 'join', (_, config) =>
    joinGroup(message.welcome, kp, priv, emptyPskIndex, env.suite.impl, ratchetTree, undefined, config),
  );
  checkGroupId(state.groupContext.groupId);
  if (expectedGroupId !== undefined && toBase64Url(state.groupContext.groupId) !== expectedGroupId) {
    throw new GroupError('wrong_group', 'the Welcome is for another group than the one it came for');
  }
  rolesFrom(state.groupContext.extensions); // a group without valid roles is not a Parley group
  return { group: { env, state: settle(env, state) }, keyPackageRef: mine.ref };
}

/**
 * The state as bytes for IndexedDB. The signature key is left out (it is the identity key, which
 * Parley already stores once): deserialize() puts it back.
 */
export function serialize(group: Group): Uint8Array {
  return encodeGroupState({ ...group.state, signaturePrivateKey: new Uint8Array(0) });
}

export function deserialize(env: GroupEnv, s: Sodium, identity: Identity, bytes: Uint8Array): Group {
  let decoded: ReturnType<typeof decodeGroupState>;
  try {
    decoded = decodeGroupState(bytes, 0);
  } catch (e) {
    throw new GroupError('malformed', 'stored group state does not decode', { cause: e });
  }
  if (!decoded || decoded[1] !== bytes.length) throw new GroupError('malformed', 'stored group state does not decode');
  const state: ClientState = { ...decoded[0], signaturePrivateKey: signatureSeed(s, identity), clientConfig: clientConfig(env) };
  const me = members({ env, state }).find((m) => m.leaf === state.privatePath.leafIndex);
  if (isActive({ env, state }) && (!me || me.username !== identity.username || !bytesEqual(me.signatureKey, identity.publicKey))) {
    throw new GroupError('bad_request', 'stored group state belongs to another identity');
  }
  return { env, state };
}
