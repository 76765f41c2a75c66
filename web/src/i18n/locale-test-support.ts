// What the tests of both UI locales share: fixed times around a Wednesday afternoon, and
// localization started in English (lit-localize announces a switch on `window`, stubbed here).
import { afterAll, beforeAll, vi } from 'vitest';
import { chooseLocale, startLocalization } from './locale';

export const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
export const now = at(2026, 12, 2, 15, 30); // a Wednesday afternoon
export const root = { lang: '' } as HTMLElement;

/** Starts localization in English before the file's tests, and leaves it in English after them. */
export function startInEnglish(): void {
  vi.stubGlobal('window', new EventTarget());
  beforeAll(() => startLocalization(undefined, ['en-US'], root));
  afterAll(() => chooseLocale('en', undefined, root));
}
