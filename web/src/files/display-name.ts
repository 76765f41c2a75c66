/**
 * File names come from a contact and are shown as they chose them. Bidirectional control
 * characters would let them reorder what the user reads ("invoice‮fdp.exe" shows as
 * "invoiceexe.pdf"), and other control characters could break a line or hide part of a name.
 * Every name shown, used as an accessible name, or given to the `download` attribute goes through
 * `displayName`; where a name stands on its own in the UI it is also rendered inside `<bdi>`, so an
 * honest right-to-left name cannot reorder the text around it either.
 */

/**
 * Embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), the left-to-right and
 * right-to-left marks (U+200E, U+200F) and the Arabic letter mark (U+061C).
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
/** C0 and C1 controls (tab and newline included): never part of a name someone meant to show. */
const OTHER_CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
/** What an empty name (or one made only of controls) is shown as. */
export const FALLBACK_NAME = 'file';

/** `name` without bidirectional or other control characters (see the module comment). */
export function displayName(name: string): string {
  const clean = name.replace(BIDI_CONTROLS, '').replace(OTHER_CONTROLS, '').trim();
  return clean || FALLBACK_NAME;
}
