/**
 * Commits this device makes: add, remove, update, setRoles. Each is a PublicMessage (the server
 * reads its proposals to enforce roles; RFC 9420 §6.2) with its proposals inline. An Add's
 * Welcome does not carry the ratchet tree: `tree` is the new epoch's, for the server to keep and
 * the joiner to fetch (trees.ts; a Welcome with the tree would not fit a frame past ~200 members). The returned group is the state after the commit: adopt it
 * only once the server has accepted the commit (on `stale_epoch`, keep the old group, process the
 * winner's commit, and decide again).
 */
import { type Proposal, createCommit } from 'ts-mls';
import { decodeKeyPackage } from './key-packages';
import { encodeMessage, usernameOf } from './codec';
import { settle, withAuth } from './env';
import { GroupError } from './errors';
import { type Group, members, policyView } from './group';
import { MLS_LIMITS } from './limits';
import { refusal } from './policy';
import { encodeTree } from './trees';
import { ROLES_EXTENSION_TYPE, type Roles, rolesExtension } from './roles';

export interface CommitResult {
  /** The state after the commit (see above: only once the server accepted it). */
  group: Group;
  /** The commit, an encoded MLSMessage (PublicMessage), for `group_commit`. */
  commit: Uint8Array;
  /** The Welcome for the added members, an encoded MLSMessage; only when the commit adds someone. */
  welcome?: Uint8Array;
  /** With a Welcome: the new epoch's encoded ratchet tree, which the joiners need beside it (trees.ts). */
  tree?: Uint8Array;
  /** Secrets of the old state to wipe() once the new state is stored. */
  consumed: Uint8Array[];
}

function checkActive(group: Group): void {
  if (group.state.groupActiveState.kind !== 'active') throw new GroupError('removed', 'this member is no longer in the group');
}

async function commit(group: Group, proposals: Proposal[], what: string): Promise<CommitResult> {
  checkActive(group);
  // The same policy the other members apply: refuse here what they would refuse.
  const me = group.state.privatePath.leafIndex;
  const why = refusal(policyView(group.state), me, proposals.map((proposal) => ({ proposal, senderLeafIndex: me })));
  if (why) throw new GroupError('forbidden', `${what}: ${why}`);
  const result = await withAuth(group.env, group.state, 'crypto', what, (state) =>
    createCommit(
      { state: state!, cipherSuite: group.env.suite.impl },
      { extraProposals: proposals, ratchetTreeExtension: false, wireAsPublicMessage: true },
    ),
  );
  const next: Group = { env: group.env, state: settle(group.env, result.newState) };
  return {
    group: next,
    commit: encodeMessage(result.commit),
    ...(result.welcome
      ? { welcome: encodeMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome }), tree: encodeTree(next) }
      : {}),
    consumed: result.consumed,
  };
}

/**
 * Adds the holders of `keyPackages` (encoded MLSMessages, as `kp_claimed` hands them out). Each
 * credential must pass the authentication service first: a key package with the wrong key for
 * its username is `unauthenticated`.
 */
export async function add(group: Group, keyPackages: readonly Uint8Array[]): Promise<CommitResult> {
  if (keyPackages.length < 1 || keyPackages.length + members(group).length > MLS_LIMITS.maxMembers) {
    throw new GroupError('bad_request', `adding ${keyPackages.length} to ${members(group).length} members`);
  }
  const proposals: Proposal[] = [];
  for (const bytes of keyPackages) {
    const kp = decodeKeyPackage(bytes);
    const username = usernameOf(kp.leafNode.credential);
    if (!(await group.env.authenticate(username, kp.leafNode.signaturePublicKey))) {
      throw new GroupError('unauthenticated', `key package of ${username} is not signed with the key pinned for them`);
    }
    proposals.push({ proposalType: 'add', add: { keyPackage: kp } });
  }
  return commit(group, proposals, 'add');
}

/** Removes the members named (a username not in the group is `bad_request`). */
export async function remove(group: Group, usernames: readonly string[]): Promise<CommitResult> {
  const all = members(group);
  const proposals: Proposal[] = usernames.map((name) => {
    const member = all.find((m) => m.username === name);
    if (!member) throw new GroupError('bad_request', `${name} is not a member`);
    if (member.leaf === group.state.privatePath.leafIndex) throw new GroupError('bad_request', 'a member cannot commit its own removal');
    return { proposalType: 'remove', remove: { removed: member.leaf } };
  });
  if (proposals.length < 1) throw new GroupError('bad_request', 'nobody to remove');
  return commit(group, proposals, 'remove');
}

/** An empty commit with a fresh UpdatePath: new keys for this member (post-compromise security) and a fuller tree. */
export const update = (group: Group): Promise<CommitResult> => commit(group, [], 'update');

/** Replaces the roles extension (the owner only; other GroupContext extensions are kept as they are). */
export async function setRoles(group: Group, roles: Roles): Promise<CommitResult> {
  const others = group.state.groupContext.extensions.filter((e) => e.extensionType !== ROLES_EXTENSION_TYPE);
  const extensions = [...others, rolesExtension(roles)];
  return commit(group, [{ proposalType: 'group_context_extensions', groupContextExtensions: { extensions } }], 'set roles');
}
