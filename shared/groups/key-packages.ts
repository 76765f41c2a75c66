/**
 * One-use KeyPackages: the basic credential is the username (UTF-8), the signature key is the
 * user's Parley identity key (libsodium Ed25519; MLS takes its 32-byte seed), so the safety number
 * two people compare also vouches for each other's group leaves. MLS signs with its own labels
 * ("MLS 1.0 " + label, RFC 9420 §5.1.2), so these signatures cannot pass for Parley's own.
 */
import { type Capabilities, type KeyPackage, defaultCapabilities, generateKeyPackageWithKey } from 'ts-mls';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import type { Identity } from '../identity';
import type { Sodium } from '../sodium';
import { credentialFor, decodeMessage, encodeMessage, toBase64Url } from './codec';
import { GroupError, wrapMls } from './errors';
import type { GroupEnv } from './env';
import { MLS_LIMITS } from './limits';
import { ROLES_EXTENSION_TYPE } from './roles';

/** A key package this device made: the public part goes to the server, the rest stays here until a Welcome uses it. */
export interface OwnKeyPackage {
  /** KeyPackageRef, base64url (what a Welcome names it by). */
  ref: string;
  /** The KeyPackage as an encoded MLSMessage, for `kp_upload`. */
  publicPackage: Uint8Array;
  /** HPKE private keys (init key and leaf key). The signature key is the identity key and is not stored here. */
  initPrivateKey: Uint8Array;
  hpkePrivateKey: Uint8Array;
}

/** The MLS signature key of an identity: the Ed25519 seed of its libsodium secret key. */
export const signatureSeed = (s: Sodium, identity: Identity): Uint8Array => s.crypto_sign_ed25519_sk_to_seed(identity.secretKey);

/** What a Parley leaf supports: ts-mls's defaults plus the roles extension (every member must support a GroupContext extension). */
export function parleyCapabilities(): Capabilities {
  const base = defaultCapabilities();
  return { ...base, extensions: [...base.extensions, ROLES_EXTENSION_TYPE] };
}

export async function makeKeyPackage(env: GroupEnv, s: Sodium, identity: Identity): Promise<{ kp: KeyPackage; own: OwnKeyPackage }> {
  const now = BigInt(Math.floor(Date.now() / 1000));
  // An hour back allows for a receiver whose clock is behind (ts-mls checks lifetimes only if configured to).
  const lifetime = { notBefore: now - 3600n, notAfter: now + BigInt(MLS_LIMITS.keyPackageLifetimeSeconds) };
  const signKey = { signKey: signatureSeed(s, identity), publicKey: identity.publicKey };
  const { publicPackage, privatePackage } = await wrapMls('crypto', 'key package', () =>
    generateKeyPackageWithKey(credentialFor(identity.username), parleyCapabilities(), lifetime, [], signKey, env.suite.impl),
  );
  const ref = toBase64Url(await makeKeyPackageRef(publicPackage, env.suite.impl.hash));
  const encoded = encodeMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage });
  return {
    kp: publicPackage,
    own: { ref, publicPackage: encoded, initPrivateKey: privatePackage.initPrivateKey, hpkePrivateKey: privatePackage.hpkePrivateKey },
  };
}

/** `count` fresh key packages for `identity` (at most MLS_LIMITS.maxKeyPackagesPerCall). */
export async function keyPackages(env: GroupEnv, s: Sodium, identity: Identity, count: number): Promise<OwnKeyPackage[]> {
  if (!Number.isInteger(count) || count < 1 || count > MLS_LIMITS.maxKeyPackagesPerCall) {
    throw new GroupError('bad_request', `key package count ${count}`);
  }
  const out: OwnKeyPackage[] = [];
  for (let i = 0; i < count; i++) out.push((await makeKeyPackage(env, s, identity)).own);
  return out;
}

/** The KeyPackage inside an encoded MLSMessage. */
export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_key_package') throw new GroupError('wrong_kind', `${message.wireformat}, not a key package`);
  return message.keyPackage;
}
