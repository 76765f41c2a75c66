/**
 * For this folder's tests only: people with real libsodium identities, a directory of pinned keys
 * for the authentication service, and a way to make a commit that skips this module's own
 * checks (what a misbehaving client could send); and, for the server's tests of commits bigger
 * than a frame, a real commit padded past one.
 */
import { type Proposal, createCommit, defaultAuthenticationService } from 'ts-mls';
import { type Identity, generateKeyPair } from '../identity';
import { type Sodium, loadSodium } from '../sodium';
import { encodeMessage } from './codec';
import { type GroupEnv, groupEnv, settle } from './env';
import type { CommitResult } from './commits';
import type { Group } from './group';
import { type OwnKeyPackage, decodeKeyPackage, keyPackages } from './key-packages';
import { encodeTree } from './trees';
import type { Suite } from './suite';

export interface Person {
  identity: Identity;
  env: GroupEnv;
  kps: OwnKeyPackage[];
}

export interface World {
  s: Sodium;
  /** username → pinned identity key, what every person's authentication service consults. */
  pins: Map<string, Uint8Array>;
  person(name: string, suite?: Suite): Promise<Person>;
}

export async function world(): Promise<World> {
  const s = await loadSodium();
  const pins = new Map<string, Uint8Array>();
  const authenticate = (username: string, key: Uint8Array) => {
    const pinned = pins.get(username);
    return pinned !== undefined && s.memcmp(pinned, key);
  };
  return {
    s,
    pins,
    async person(name, suite) {
      const identity = { username: name, ...generateKeyPair(s) };
      pins.set(name, identity.publicKey);
      const env = await groupEnv(authenticate, suite);
      return { identity, env, kps: await keyPackages(env, s, identity, 2) };
    },
  };
}

/**
 * A commit made straight with ts-mls (no policy check on the sender's side), as a PublicMessage;
 * with `trustAnyone`, the sender's authentication service accepts every credential too.
 */
export async function rawCommit(group: Group, proposals: Proposal[], trustAnyone = false): Promise<{ group: Group; commit: Uint8Array }> {
  const state = trustAnyone ? { ...group.state, clientConfig: { ...group.state.clientConfig, authService: defaultAuthenticationService } } : group.state;
  const out = await createCommit(
    { state, cipherSuite: group.env.suite.impl },
    { extraProposals: proposals, ratchetTreeExtension: true, wireAsPublicMessage: true },
  );
  return { group: { env: group.env, state: settle(group.env, out.newState) }, commit: encodeMessage(out.commit) };
}

export const randomGroupId = (): Uint8Array => crypto.getRandomValues(new Uint8Array(16));

/**
 * A real commit (adding the holders of `keyPackages`, or none) signed over `pad` random bytes of
 * authenticated data (RFC 9420 §6.1: sent in the clear, covered by the signature), so that it is
 * as big as a sparse 1,000-member remove without building one; with `welcomePad`, its Welcome's
 * GroupInfo carries an extension of as many bytes (of a private-use type nobody reads).
 */
export async function paddedCommit(group: Group, o: { pad: number; keyPackages?: readonly Uint8Array[]; welcomePad?: number }): Promise<CommitResult> {
  const random = (n: number) => {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 65_536) crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65_536)));
    return out;
  };
  const proposals: Proposal[] = (o.keyPackages ?? []).map((bytes) => ({ proposalType: 'add', add: { keyPackage: decodeKeyPackage(bytes) } }));
  const out = await createCommit(
    { state: group.state, cipherSuite: group.env.suite.impl },
    {
      extraProposals: proposals,
      ratchetTreeExtension: false,
      wireAsPublicMessage: true,
      authenticatedData: random(o.pad),
      ...(o.welcomePad ? { groupInfoExtensions: [{ extensionType: 0xf0a1, extensionData: random(o.welcomePad) }] } : {}),
    },
  );
  const next: Group = { env: group.env, state: settle(group.env, out.newState) };
  return {
    group: next,
    commit: encodeMessage(out.commit),
    ...(out.welcome ? { welcome: encodeMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: out.welcome }), tree: encodeTree(next) } : {}),
    consumed: out.consumed,
  };
}
