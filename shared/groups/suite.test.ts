import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join as joinPath, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { add, update } from './commits';
import { createGroup, join } from './group';
import { encrypt, process } from './messages';
import { defaultCryptoProvider, getCiphersuiteFromName, getCiphersuiteImpl } from 'ts-mls';
import { SUITE_NAME, detectWebCryptoCurves, loadSuite } from './suite';
import { randomGroupId, world } from './test-helpers';

describe('the cipher suite on this runtime', () => {
  it('feature-tests X25519 and Ed25519 in WebCrypto', async () => {
    expect(await detectWebCryptoCurves()).toEqual({ x25519: true, ed25519: true }); // Node 20 has both
    expect(await detectWebCryptoCurves(undefined)).toEqual({ x25519: true, ed25519: true }); // the default argument
    // A WebCrypto like an older Firefox's: Ed25519 present, X25519 refused as NotSupportedError.
    const real = globalThis.crypto.subtle;
    const olderFirefox = {
      generateKey: (alg: { name: string }, ...rest: [boolean, KeyUsage[]]) =>
        alg.name === 'X25519' ? Promise.reject(new DOMException('X25519', 'NotSupportedError')) : real.generateKey(alg, ...rest),
    } as unknown as SubtleCrypto;
    expect(await detectWebCryptoCurves(olderFirefox)).toEqual({ x25519: false, ed25519: true });
    expect(await detectWebCryptoCurves({ generateKey: () => Promise.reject(new Error('no')) } as unknown as SubtleCrypto)).toEqual({
      x25519: false,
      ed25519: false,
    });
  });

  it('a member on the pure-JS X25519 and Ed25519 shares a group with members on WebCrypto', async () => {
    const pureJs = await loadSuite({ forceFallback: { x25519: true, ed25519: true } });
    expect(pureJs.fallback).toEqual({ x25519: true, ed25519: true });
    expect((await loadSuite()).fallback).toEqual({ x25519: false, ed25519: false });
    const w = await world();
    const alice = await w.person('alice');
    const fox = await w.person('fox', pureJs);
    const a0 = await createGroup(alice.env, w.s, alice.identity, randomGroupId(), { owner: 'alice', admins: [] });
    const added = await add(a0, [fox.kps[0]!.publicPackage]);
    const f = await join(fox.env, w.s, fox.identity, added.welcome!, fox.kps, undefined, added.tree);
    const fromFox = await encrypt(f.group, new TextEncoder().encode('from the fallback'));
    expect((await process(added.group, fromFox.message)).event).toMatchObject({ sender: 'fox' });
    const fresh = await update(fromFox.group); // an HPKE-encrypted UpdatePath made with the pure-JS KEM
    const a2 = await process(added.group, fresh.commit);
    const back = await encrypt(a2.group, new TextEncoder().encode('and back'));
    expect((await process(fresh.group, back.message)).event).toMatchObject({ sender: 'alice', epoch: 2 });
  });
});

/** Makes `crypto.subtle` refuse X25519 and Ed25519 as a browser without them does, until `restore()`. */
function withoutCurves(): { restore: () => void } {
  const subtle = globalThis.crypto.subtle as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const names = ['generateKey', 'importKey', 'deriveBits', 'sign', 'verify', 'exportKey'];
  const originals = names.map((n) => subtle[n]!);
  const curve = (a: unknown) => /^(X25519|Ed25519)$/.test(typeof a === 'string' ? a : String((a as { name?: string })?.name ?? (a as { algorithm?: { name?: string } })?.algorithm?.name));
  names.forEach((n, i) => {
    subtle[n] = (...args: unknown[]) =>
      args.some(curve) ? Promise.reject(new DOMException(n, 'NotSupportedError')) : originals[i]!.apply(globalThis.crypto.subtle, args);
  });
  return { restore: () => names.forEach((n, i) => (subtle[n] = originals[i]!)) };
}

describe('a runtime without the curves in WebCrypto', () => {
  it('detects it and runs a whole group on the pure-JS primitives', async () => {
    const patch = withoutCurves();
    try {
      expect(await detectWebCryptoCurves()).toEqual({ x25519: false, ed25519: false });
      const suite = await loadSuite();
      expect(suite.fallback).toEqual({ x25519: true, ed25519: true });
      // The patch bites: ts-mls's own default provider now fails on both curves.
      const plain = await getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME), defaultCryptoProvider);
      await expect(plain.hpke.generateKeyPair()).rejects.toThrow();
      await expect(plain.signature.sign(new Uint8Array(32), new Uint8Array(1))).rejects.toThrow();
      const w = await world();
      const [ann, ben] = [await w.person('ann', suite), await w.person('ben', suite)];
      const a0 = await createGroup(ann.env, w.s, ann.identity, randomGroupId(), { owner: 'ann', admins: [] });
      const added = await add(a0, [ben.kps[0]!.publicPackage]);
      const b = await join(ben.env, w.s, ben.identity, added.welcome!, ben.kps, undefined, added.tree);
      const fresh = await update(b.group);
      const a1 = await process(added.group, fresh.commit);
      const sent = await encrypt(a1.group, new TextEncoder().encode('no curves in WebCrypto'));
      expect((await process(fresh.group, sent.message)).event).toMatchObject({ sender: 'ann', epoch: 2 });
    } finally {
      patch.restore();
    }
    expect(await detectWebCryptoCurves()).toEqual({ x25519: true, ed25519: true });
  });
});

describe('the boundary', () => {
  it('nothing outside shared/groups imports ts-mls', () => {
    const root = joinPath(import.meta.dirname, '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
        const path = joinPath(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js|mjs)$/.test(name) && /from ['"]ts-mls|import\(['"]ts-mls/.test(readFileSync(path, 'utf8'))) {
          offenders.push(relative(root, path));
        }
      }
    };
    for (const top of ['shared', 'signaling', 'web', 'bench', 'e2e']) walk(joinPath(root, top));
    expect(offenders.filter((p) => !p.startsWith(joinPath('shared', 'groups')))).toEqual([]);
  });
});
