/**
 * What a reaction may be: exactly one emoji (RGI: the sequences Unicode recommends for general
 * interchange, so flags, skin tones, keycaps and ZWJ families pass), never words, digits, bidi
 * controls or a run of emoji that could read as a count (review L2). Checked on receive through
 * the envelope schema, so a contact's client cannot put other text under a message.
 */

/**
 * `\p{RGI_Emoji}` needs the `v` flag (Chromium 112, Firefox 116, Node 20). An engine without it
 * gets an approximation from older properties: one pictograph with its modifiers, joined by ZWJ,
 * a flag's two regional indicators, or a keycap.
 */
function emojiPattern(): RegExp {
  try {
    return new RegExp('^\\p{RGI_Emoji}$', 'v');
  } catch {
    return fallbackEmojiPattern();
  }
}

/** The approximation for an engine without the `v` flag (exported for its test). */
export function fallbackEmojiPattern(): RegExp {
  const part = '\\p{Extended_Pictographic}[\\uFE0F\\u{1F3FB}-\\u{1F3FF}]?';
  return new RegExp(`^(?:\\p{Regional_Indicator}{2}|[#*0-9]\\uFE0F?\\u20E3|${part}(?:\\u200D${part})*[\\u{E0020}-\\u{E007F}]*)$`, 'u');
}

const EMOJI = emojiPattern();

/** True when `text` is exactly one emoji. */
export const isReactionEmoji = (text: string): boolean => EMOJI.test(text);
