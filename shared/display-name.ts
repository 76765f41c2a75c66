/**
 * A display name: what a person calls themselves, in any script (张伟, Zoë, محمد), shared with
 * their contacts inside a sealed `profile` body. One spelling per name: NFC, trimmed, 1 to
 * LIMITS.maxDisplayNameChars characters (code points). Refused: control characters, line and
 * paragraph separators and the bidirectional embedding/override/isolate controls, which could
 * make a name read as something else around it ("gnp.exe"). Joiners stay (emoji sequences need
 * them). Always shown as text, never as markup.
 */
import { LIMITS } from './limits';

const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** The name as it is kept and sent, or undefined when it is not a valid display name. */
export function normalizeDisplayName(input: string): string | undefined {
  const name = input.normalize('NFC').trim();
  const chars = [...name].length;
  if (chars < 1 || chars > LIMITS.maxDisplayNameChars || FORBIDDEN.test(name)) return undefined;
  return name;
}

/** True for a name already in its one spelling (what a received profile must carry). */
export const isDisplayName = (name: string): boolean => normalizeDisplayName(name) === name;
