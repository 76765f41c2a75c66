/**
 * A user's identity: one Ed25519 key pair. It signs login challenges; its Curve25519 form
 * (libsodium's crypto_sign_ed25519_*_to_curve25519) is the crypto_box key, so the one public
 * key the safety number covers also covers encryption.
 */
import { authMessage } from './protocol';
import { type Sodium, fromB64, toB64 } from './sodium';

export interface Identity {
  username: string;
  /** Ed25519 public key, 32 bytes. */
  publicKey: Uint8Array;
  /** Ed25519 secret key, 64 bytes (libsodium layout: seed ‖ public key). */
  secretKey: Uint8Array;
}

export function generateKeyPair(s: Sodium): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const kp = s.crypto_sign_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** Signature (base64url) answering a server challenge for `username`. */
export function signChallenge(s: Sodium, secretKey: Uint8Array, nonce: string, username: string): string {
  return toB64(s, s.crypto_sign_detached(authMessage(nonce, username), secretKey));
}

export const publicKeyB64 = (s: Sodium, id: Pick<Identity, 'publicKey'>): string => toB64(s, id.publicKey);
export const publicKeyFromB64 = (s: Sodium, key: string): Uint8Array => fromB64(s, key);
