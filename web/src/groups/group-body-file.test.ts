// A file in a group is the 1:1 offer inside the MLS plaintext: read back whole when it is one, and
// anything malformed (a key or id of the wrong shape, an oversized name, a negative size) reads as
// unsupported, so nothing is fetched for it.
import { describe, expect, it } from 'vitest';
import { decodePlain, encodeBody, plaintextBytes } from './group-body';

const offer = {
  kind: 'file' as const,
  fileId: '00112233445566778899aabbccddeeff',
  name: '<img src=x onerror=alert(1)>.png',
  size: 5,
  type: 'image/png',
  sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  key: 'QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8',
  stored: true as const,
};
const read = (body: unknown) => decodePlain(plaintextBytes(JSON.stringify({ v: 1, id: 'f1', ts: 3, body })), 9);

describe('a file in a group plaintext', () => {
  it('reads back the offer (its name is data, shown as text)', () => {
    expect(decodePlain(plaintextBytes(encodeBody(offer, 3, 'f1')))).toEqual({ kind: 'body', id: 'f1', ts: 3, body: offer });
  });

  it('reads a malformed offer as unsupported', () => {
    for (const bad of [{ key: 'short' }, { fileId: 'XYZ' }, { name: 'n'.repeat(256) }, { size: -1 }, { sha256: 'ab' }]) {
      expect(read({ ...offer, ...bad }), JSON.stringify(bad)).toMatchObject({ body: { kind: 'unsupported', sentKind: 'file' } });
    }
  });
});
