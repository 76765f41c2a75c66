/**
 * For this folder's tests only: people with real libsodium identities, a directory of pinned keys
 * for the authentication service, and a way to make a commit that skips this module's own
 * checks (what a misbehaving client could send).
 */
import { type Proposal, createCommit, defaultAuthenticationService } from 'ts-mls';
import { type Identity, generateKeyPair } from '../identity';
import { type Sodium, loadSodium } from '../sodium';
import { encodeMessage } from './codec';
import { type GroupEnv, groupEnv, settle } from './env';
import type { Group } from './group';
import { type OwnKeyPackage, keyPackages } from './key-packages';
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
