/**
 * Parley's one MLS cipher suite, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (suite 1), and the
 * crypto behind it. ts-mls's default provider uses WebCrypto for SHA-256, HKDF and AES-GCM (every
 * browser Parley supports has them), WebCrypto Ed25519 for signatures and @hpke/core's WebCrypto
 * X25519 for the HPKE KEM. The two curve primitives came late to some browsers (Firefox and Safari
 * shipped Ed25519 and X25519 in WebCrypto years after the rest), so each is feature-tested, never
 * sniffed, and replaced where missing by a well-kept pure-JS implementation of the same primitive:
 * @hpke/dhkem-x25519 (the hpke-js project's noble-based KEM) and @noble/curves' Ed25519. Both
 * produce the same bytes as WebCrypto, so members on either path share one group. They are
 * imported only where needed, so a browser with both curves does not download them.
 */
import { Aes128Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import {
  type Ciphersuite,
  type CiphersuiteImpl,
  type CryptoProvider,
  type Signature,
  defaultCryptoProvider,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from 'ts-mls';
import { makeGenericHpke } from 'ts-mls/crypto/implementation/hpke.js';
import { sha256 } from '@noble/hashes/sha2.js';

export const SUITE_NAME = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;

/** Which curve primitives this runtime's WebCrypto offers. */
export interface WebCryptoCurves {
  x25519: boolean;
  ed25519: boolean;
}

/** Options for tests and diagnostics: force the pure-JS path for a primitive WebCrypto has. */
export interface SuiteOptions {
  forceFallback?: Partial<WebCryptoCurves>;
}

/** The suite's implementation and which primitives run in pure JS. */
export interface Suite {
  impl: CiphersuiteImpl;
  fallback: WebCryptoCurves;
}

async function works(generate: () => Promise<unknown>): Promise<boolean> {
  try {
    await generate();
    return true;
  } catch {
    return false;
  }
}

/** Feature-tests X25519 and Ed25519 key generation in `crypto.subtle` (absent, or throwing NotSupportedError). */
export async function detectWebCryptoCurves(subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle): Promise<WebCryptoCurves> {
  if (!subtle) return { x25519: false, ed25519: false };
  const [x25519, ed25519] = await Promise.all([
    works(() => subtle.generateKey({ name: 'X25519' }, false, ['deriveBits'])),
    works(() => subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])),
  ]);
  return { x25519, ed25519 };
}

/**
 * Ed25519 from @noble/curves. Keys are 32-byte seeds (what Parley passes: its identity key's
 * seed). Verification is strict RFC 8032 (`zip215: false`), as WebCrypto's is, so a signature that
 * one member accepts is not refused by another.
 */
export async function nobleEd25519(): Promise<Signature> {
  const { ed25519 } = await import('@noble/curves/ed25519.js');
  return {
    async sign(signKey, message) {
      return ed25519.sign(message, signKey.subarray(0, 32));
    },
    async verify(publicKey, message, signature) {
      try {
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
    async keygen() {
      const signKey = ed25519.utils.randomSecretKey();
      return { signKey, publicKey: ed25519.getPublicKey(signKey) };
    },
  };
}

/** A provider: ts-mls's default, with the primitives in `fallback` swapped for their pure-JS forms. */
export function fallbackProvider(fallback: WebCryptoCurves): CryptoProvider {
  return {
    async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
      const base = await defaultCryptoProvider.getCiphersuiteImpl(cs);
      const signature = fallback.ed25519 ? await nobleEd25519() : base.signature;
      if (!fallback.x25519) return { ...base, signature };
      const { DhkemX25519HkdfSha256: NobleX25519Kem } = await import('@hpke/dhkem-x25519');
      const hpkeSuite = new CipherSuite({ kem: new NobleX25519Kem(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });
      // AES-GCM stays on WebCrypto: the base implementation's AEAD is reused as it is.
      const aead = {
        encrypt: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array) => base.hpke.encryptAead(key, nonce, aad, pt),
        decrypt: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array) => base.hpke.decryptAead(key, nonce, aad, ct),
      };
      return { ...base, signature, hpke: await makeGenericHpke(cs.hpke, aead, hpkeSuite) };
    },
  };
}

/** Builds suite 1 for this runtime: WebCrypto where it has the curve, pure JS where it does not (or where forced). */
export async function loadSuite(options: SuiteOptions = {}): Promise<Suite> {
  const have = await detectWebCryptoCurves();
  const fallback = {
    x25519: !have.x25519 || options.forceFallback?.x25519 === true,
    ed25519: !have.ed25519 || options.forceFallback?.ed25519 === true,
  };
  const provider = fallback.x25519 || fallback.ed25519 ? fallbackProvider(fallback) : defaultCryptoProvider;
  return { impl: withSyncDigest(await getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME), provider)), fallback };
}

/**
 * SHA-256 digests from @noble/hashes instead of WebCrypto: the same function, the same bytes.
 * ts-mls hashes the ratchet tree node by node (tree hashes, parent hashes: a join at 1,000
 * members makes hundreds of thousands of small digests), and each WebCrypto digest is a trip
 * through the runtime's crypto thread pool that costs far more than hashing a few hundred bytes.
 * HMAC, HKDF and AES-GCM stay on WebCrypto (few calls, and keys that stay non-extractable there).
 */
function withSyncDigest(impl: CiphersuiteImpl): CiphersuiteImpl {
  return { ...impl, hash: { ...impl.hash, digest: async (data: Uint8Array) => sha256(data) } };
}

// The default suite is stateless (keys live in group states, never in it), so one per process is
// built on first use and shared, as libsodium's module is.
let defaultSuitePromise: Promise<Suite> | undefined;

/** Suite 1 for this runtime, built once (see {@link loadSuite}). */
export function defaultSuite(): Promise<Suite> {
  defaultSuitePromise ??= loadSuite();
  return defaultSuitePromise;
}
