// The layering of web/src (see README.md): a folder imports only from folders below it. Read from
// the source text, so an `import type` that reaches upward fails here too.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYERS = ['storage', 'net', 'peer', 'identity', 'conversations', 'groups', 'files', 'i18n', 'components', 'app', 'check'];
const ROOT = import.meta.dirname;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The layer of a file under web/src, or undefined for main.ts and files outside it. */
function layerOf(file: string): number | undefined {
  const rel = path.relative(ROOT, file);
  if (rel.startsWith('..')) return undefined;
  const i = LAYERS.indexOf(rel.split(path.sep)[0]!);
  return i < 0 ? undefined : i;
}

describe('web/src dependency rule', () => {
  it('no file imports from a layer above its own', () => {
    const upward: string[] = [];
    for (const file of sources(ROOT)) {
      const own = layerOf(file);
      if (own === undefined) continue;
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+['"](\.[^'"]+)['"]/g)) {
        const target = layerOf(path.resolve(path.dirname(file), m[1]!));
        if (target !== undefined && target > own) upward.push(`${path.relative(ROOT, file)} → ${m[1]}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('knows every folder (a new folder is placed in the rule on purpose)', () => {
    const dirs = fs.readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(dirs.filter((d) => !LAYERS.includes(d))).toEqual([]);
  });
});
