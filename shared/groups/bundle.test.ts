import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// What the module may add to the app's first download, gzip: ts-mls, @hpke/core and @hpke/common,
// the @noble/hashes parts ts-mls uses, and Parley's code (~50 KB measured; zod is the app's
// already). The pure-JS curve fallbacks must stay out of it.
const EAGER_GZIP_BUDGET = 56 * 1024;

describe('the browser bundle', () => {
  it('bundles for the browser, with the curve fallbacks in chunks loaded only when needed', async () => {
    // esbuild is Vite's bundler (the app's build uses it for dependencies), run here without a DOM.
    const out = await build({
      entryPoints: [`${import.meta.dirname}/index.ts`],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      outdir: '/virtual',
      external: ['zod', 'crypto'], // zod: in the app already; crypto: @hpke/common's Node-only fallback, never taken in a browser
      logLevel: 'silent',
      metafile: true,
    });
    expect(out.errors).toEqual([]);
    // The entry and every chunk it imports statically, transitively: what loads before the module runs.
    const outputs = out.metafile!.outputs;
    const entryPath = Object.keys(outputs).find((p) => outputs[p]!.entryPoint)!;
    const eager = new Set<string>();
    const visit = (path: string) => {
      if (eager.has(path)) return;
      eager.add(path);
      for (const i of outputs[path]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    visit(entryPath);
    const gz = (path: string) => gzipSync(out.outputFiles.find((f) => f.path.endsWith(path.replace(/^.*\//, '/')))!.contents).length;
    const eagerBytes = [...eager].reduce((n, p) => n + gz(p), 0);
    const eagerInputs = [...eager].flatMap((p) => Object.keys(outputs[p]!.inputs));
    expect(eagerBytes).toBeLessThan(EAGER_GZIP_BUDGET);
    expect(eagerInputs.some((i) => i.includes('@hpke/dhkem-x25519') || i.includes('@noble/curves/ed25519'))).toBe(false);
    expect(eagerInputs.some((i) => i.includes('ts-mls'))).toBe(true);
  });
});
