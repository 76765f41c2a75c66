// The translation is complete and up to date: every msg() in web/src has a stable id, the XLIFF
// holds each id with the English the source has now and a 简体中文 target with the same
// placeholders, and the generated runtime module was built from it (`npm run i18n` fixes all).
// The source is read with the TypeScript parser, as lit-localize extract reads it, but in a
// second instead of the extractor's half minute of type-checking.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { templates } from './generated/zh-Hans';

const SRC = path.join(import.meta.dirname, '..');
const XLIFF = path.join(SRC, '..', 'xliff', 'zh-Hans.xlf');

interface SourceMessage { id: string | undefined; text: string; where: string }

/** The English of a msg() argument with each ${…} as {}, as the XLIFF's source reads once its <x/> are {}. */
function englishOf(arg: ts.Expression): string {
  if (ts.isStringLiteralLike(arg)) return arg.text;
  if (ts.isTaggedTemplateExpression(arg) && ts.isTemplateExpression(arg.template))
    return arg.template.head.text + arg.template.templateSpans.map((s) => `{}${s.literal.text}`).join('');
  if (ts.isTaggedTemplateExpression(arg) && ts.isNoSubstitutionTemplateLiteral(arg.template)) return arg.template.text;
  throw new Error(`msg() of something lit-localize cannot extract: ${arg.getText()}`);
}

/** Adjacent placeholders with only spaces between are one <x/> in the XLIFF. */
const merged = (text: string) => text.replace(/\{\}(\s*\{\})+/g, '{}');

function sourceMessages(): SourceMessage[] {
  const out: SourceMessage[] = [];
  const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith(`i18n${path.sep}generated`));
  for (const file of files) {
    const text = fs.readFileSync(path.join(SRC, file), 'utf8');
    if (!text.includes('msg(')) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'msg') {
        const opts = n.arguments[1];
        const idProp = opts && ts.isObjectLiteralExpression(opts)
          ? opts.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sf) === 'id')
          : undefined;
        const id = idProp && ts.isStringLiteralLike(idProp.initializer) ? idProp.initializer.text : undefined;
        const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
        out.push({ id, text: merged(englishOf(n.arguments[0]!)), where: `${file}:${line}` });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const placeholders = (s: string) => [...s.matchAll(/<x id="(\d+)"/g)].map((m) => m[1]).sort();

function xliffUnits(): Map<string, { source: string; target: string | undefined; ids: { source: string[]; target: string[] } }> {
  const units = new Map();
  const xml = fs.readFileSync(XLIFF, 'utf8');
  for (const m of xml.matchAll(/<trans-unit id="([^"]+)">([\s\S]*?)<\/trans-unit>/g)) {
    const source = /<source>([\s\S]*?)<\/source>/.exec(m[2]!)![1]!;
    const target = /<target>([\s\S]*?)<\/target>/.exec(m[2]!)?.[1];
    units.set(m[1], {
      source: unescape(source.replace(/<x [^>]*\/>/g, '{}')),
      target: target === undefined ? undefined : unescape(target.replace(/<x [^>]*\/>/g, '{}')),
      ids: { source: placeholders(source), target: placeholders(target ?? '') },
    });
  }
  return units;
}

describe('the 简体中文 translation', () => {
  const messages = sourceMessages();
  const units = xliffUnits();

  it('finds the messages (the parser reads the source)', () => {
    expect(messages.length).toBeGreaterThan(300);
  });

  it('has a stable id on every msg(), one English text per id', () => {
    expect(messages.filter((m) => !m.id).map((m) => m.where)).toEqual([]);
    const texts = new Map<string, string>();
    for (const m of messages) {
      expect(texts.get(m.id!) ?? m.text, `${m.id} has two texts (${m.where})`).toBe(m.text);
      texts.set(m.id!, m.text);
    }
  });

  it('is in the XLIFF with the English the source has now, and nothing the source no longer has', () => {
    const stale = messages.filter((m) => units.get(m.id!)?.source !== m.text).map((m) => `${m.id}: "${m.text}" ≠ "${units.get(m.id!)?.source}"`);
    expect(stale, 'run npm run i18n').toEqual([]);
    const ids = new Set(messages.map((m) => m.id));
    expect([...units.keys()].filter((id) => !ids.has(id)), 'run npm run i18n').toEqual([]);
  });

  it('has a target for every message, in Chinese, with the source’s placeholders', () => {
    for (const [id, u] of units) {
      expect(u.target?.trim(), `${id} has no translation`).toBeTruthy();
      expect(u.ids.target, `${id} placeholders`).toEqual(u.ids.source);
      // A target still in English: letters with no Chinese at all (a name, units or an emoji alone are fine).
      if (/[a-z]{3,}/i.test(u.target!.replace(/Parley|SHA-256|Language|MB|KB/g, ''))) expect(u.target, `${id} reads as English`).toMatch(/\p{Script=Han}/u);
    }
  });

  it('is what the generated runtime module was built from', () => {
    expect(Object.keys(templates).sort(), 'run npm run i18n').toEqual([...units.keys()].sort());
    for (const [id, u] of units) {
      const built = templates[id as keyof typeof templates] as string | { strings: readonly string[] };
      const text = typeof built === 'string' ? built : built.strings.join('{}');
      expect(merged(text), `${id}: run npm run i18n`).toBe(u.target);
    }
  });
});
