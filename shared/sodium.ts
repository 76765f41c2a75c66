/**
 * libsodium, loaded once. Every Parley construction is a whole libsodium primitive
 * (crypto_sign, crypto_box, crypto_secretbox, crypto_pwhash, crypto_generichash);
 * SECURITY.md describes how they are composed.
 */
import sodiumModule from 'libsodium-wrappers-sumo';

export type Sodium = typeof sodiumModule;

/** Resolves when the WebAssembly module is ready. Safe to call many times. */
export async function loadSodium(): Promise<Sodium> {
  await sodiumModule.ready;
  return sodiumModule;
}

export const toB64 = (s: Sodium, bytes: Uint8Array): string => s.to_base64(bytes, s.base64_variants.URLSAFE_NO_PADDING);
export const fromB64 = (s: Sodium, text: string): Uint8Array => s.from_base64(text, s.base64_variants.URLSAFE_NO_PADDING);
