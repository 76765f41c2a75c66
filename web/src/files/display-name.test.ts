import { describe, expect, it } from 'vitest';
import { FALLBACK_NAME, displayName } from './display-name';

describe('displayName', () => {
  it('removes a right-to-left override, so the real extension shows', () => {
    // Shown unfiltered, "invoice\u202Efdp.exe" reads as "invoiceexe.pdf".
    expect(displayName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
  });

  it('removes every bidirectional control: embeddings, overrides, isolates, marks', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
    for (const c of controls) expect(displayName(`a${c}b.txt`), `U+${c.charCodeAt(0).toString(16)}`).toBe('ab.txt');
    expect(displayName(controls.join('') + 'x.png' + controls.join(''))).toBe('x.png');
  });

  it('removes newlines and other control characters', () => {
    expect(displayName('line\nbreak\r\t\u0000\u007F\u009Fname.bin')).toBe('linebreakname.bin');
  });

  it('keeps ordinary names as they are, right-to-left letters and emoji included', () => {
    for (const name of ['report 2024.pdf', 'تقرير.pdf', 'שלום.txt', '写真.jpg', '🎉 party.png', 'a\u200Db.txt']) expect(displayName(name)).toBe(name);
  });

  it('gives a name made only of controls (or nothing) a fallback', () => {
    expect(displayName('\u202E\u2066')).toBe(FALLBACK_NAME);
    expect(displayName('')).toBe(FALLBACK_NAME);
  });
});
