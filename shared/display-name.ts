/**
 * A display name: what a person calls themselves, in any script (张伟, Zoë, محمد), shared with
 * their contacts inside a sealed `profile` body. One spelling per name: NFC, trimmed, 1 to
 * LIMITS.maxDisplayNameChars characters (code points). Refused: control characters, line and
 * paragraph separators and the bidirectional embedding/override/isolate controls, which could
 * make a name read as something else around it ("gnp.exe"). Also refused: every other invisible
 * format character (\p{Cf}: zero-width space, word joiner, soft hyphen, BOM, bidi marks) and the
 * blank fillers (Hangul, Braille), so "bob\u200b" cannot pass for "bob" (review L3). Joiners stay
 * (ZWJ and ZWNJ: emoji sequences and Persian or Indic spelling need them), and so do the tag
 * characters of a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿), only inside one. Always shown as text, never as markup.
 */
import { LIMITS } from './limits';

const FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}|[\u115F\u1160\u3164\uFFA0\u2800]/u;
/** A subdivision flag: the black flag, tag letters, the cancel tag. Its tags are not hidden text. */
const TAG_FLAG = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

/** The name as it is kept and sent, or undefined when it is not a valid display name. */
export function normalizeDisplayName(input: string): string | undefined {
  const name = input.normalize('NFC').trim();
  const chars = [...name].length;
  if (chars < 1 || chars > LIMITS.maxDisplayNameChars || FORBIDDEN.test(name.replace(TAG_FLAG, '\u{1F3F4}'))) return undefined;
  return name;
}

/** True for a name already in its one spelling (what a received profile must carry). */
export const isDisplayName = (name: string): boolean => normalizeDisplayName(name) === name;
