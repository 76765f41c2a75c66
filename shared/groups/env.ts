/**
 * What every group operation of a device needs besides the group: the cipher suite and the
 * authentication service. RFC 9420 leaves the authentication service to the application; Parley's
 * asks its own contacts and pins (`authenticate`), and this module adds nothing to that answer
 * except that a credential must be a basic one naming a valid username.
 */
import {
  type AuthenticationService,
  type ClientConfig,
  type ClientState,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
} from 'ts-mls';
import { usernameOf } from './codec';
import { GroupError, type GroupErrorCode, wrapMls } from './errors';
import { type Suite, defaultSuite } from './suite';

/** Parley's answer to "is `signatureKey` the identity key pinned for `username`?". */
export type Authenticate = (username: string, signatureKey: Uint8Array) => boolean | Promise<boolean>;

export interface GroupEnv {
  suite: Suite;
  authenticate: Authenticate;
}

/** An env on this runtime's default suite (see suite.ts). */
export async function groupEnv(authenticate: Authenticate, suite?: Suite): Promise<GroupEnv> {
  return { suite: suite ?? (await defaultSuite()), authenticate };
}

function authService(authenticate: Authenticate, refused?: string[]): AuthenticationService {
  return {
    async validateCredential(credential, signatureKey) {
      let username: string;
      try {
        username = usernameOf(credential);
      } catch {
        refused?.push('(not a username)');
        return false;
      }
      const ok = await authenticate(username, signatureKey);
      if (!ok) refused?.push(username);
      return ok;
    },
  };
}

export function clientConfig(env: GroupEnv, refused?: string[]): ClientConfig {
  return {
    keyRetentionConfig: defaultKeyRetentionConfig,
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService: authService(env.authenticate, refused),
  };
}

/**
 * Runs one ts-mls call on `state` with an authentication service that records whom it refused,
 * so a failure caused by a refused credential reads `unauthenticated` rather than `code`. The
 * state handed back to the caller gets the plain config again.
 */
export async function withAuth<T>(
  env: GroupEnv,
  state: ClientState | undefined,
  code: GroupErrorCode,
  what: string,
  work: (state: ClientState | undefined, config: ClientConfig) => Promise<T>,
): Promise<T> {
  const refused: string[] = [];
  const config = clientConfig(env, refused);
  try {
    return await wrapMls(code, what, () => work(state && { ...state, clientConfig: config }, config));
  } catch (e) {
    if (refused.length > 0 && !(e instanceof GroupError && e.code === 'forbidden')) {
      throw new GroupError('unauthenticated', `${what}: credential refused for ${refused.join(', ')}`, { cause: e });
    }
    throw e;
  }
}

/** `state` with the env's plain config (drops the recording one withAuth put in). */
export const settle = (env: GroupEnv, state: ClientState): ClientState => ({ ...state, clientConfig: clientConfig(env) });
