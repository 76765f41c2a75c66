/**
 * Bytes in and out of ts-mls's codecs: every decode is bounded, whole (no trailing bytes) and
 * throws only GroupError; credentials become usernames here and nowhere else.
 */
import { type Credential, type MLSMessage, decodeMlsMessage, encodeMlsMessage } from 'ts-mls';
import { isValidUsername } from '../username';
import { GroupError } from './errors';
import { MLS_LIMITS } from './limits';

/** base64url without padding (RFC 4648 §5), the form MLS bytes take in Parley's JSON frames. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new GroupError('malformed', 'not base64url');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Decodes one whole MLSMessage; anything else (too long, truncated, trailing bytes, garbage) is `malformed`. */
export function decodeMessage(bytes: Uint8Array): MLSMessage {
  if (!(bytes instanceof Uint8Array)) throw new GroupError('malformed', 'not bytes');
  if (bytes.length > MLS_LIMITS.maxMessageBytes) throw new GroupError('malformed', `longer than ${MLS_LIMITS.maxMessageBytes} bytes`);
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw new GroupError('malformed', `does not decode: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!decoded) throw new GroupError('malformed', 'does not decode as an MLS message');
  if (decoded[1] !== bytes.length) throw new GroupError('malformed', 'trailing bytes after the MLS message');
  if (decoded[0].version !== 'mls10') throw new GroupError('unsupported', `protocol version ${decoded[0].version}`);
  return decoded[0];
}

export const encodeMessage = (message: MLSMessage): Uint8Array => encodeMlsMessage(message);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** The username a basic credential names; anything else is `bad_credential`. */
export function usernameOf(credential: Credential): string {
  if (credential.credentialType !== 'basic') throw new GroupError('unsupported', `credential type ${credential.credentialType}`);
  let name: string;
  try {
    name = utf8.decode(credential.identity);
  } catch {
    throw new GroupError('bad_credential', 'credential identity is not UTF-8');
  }
  if (!isValidUsername(name)) throw new GroupError('bad_credential', 'credential identity is not a valid username');
  return name;
}

export const credentialFor = (username: string): Credential => ({
  credentialType: 'basic',
  identity: utf8Encoder.encode(username),
});

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);
