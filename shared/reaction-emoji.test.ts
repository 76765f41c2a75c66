// A reaction is exactly one emoji: what the picker offers and what other clients send (skin tones,
// flags, keycaps, ZWJ sequences) passes; words, digits, controls and several emoji do not (review L2).
import { describe, expect, it } from 'vitest';
import { Reaction } from './envelope';
import { fallbackEmojiPattern, isReactionEmoji } from './reaction-emoji';

const ONE = ['👍', '❤️', '😂', '😮', '😢', '🙏', '👍🏽', '🇫🇷', '1️⃣', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'];
const NOT_ONE = ['ok', '5', '👍 3', '👍👍', '👍\u202E', '\u200B', ' 👍', 'x👍', '\u2066👍\u2069', ''];

describe('isReactionEmoji', () => {
  it('accepts one emoji of however many code points', () => {
    for (const e of ONE) expect(isReactionEmoji(e), e).toBe(true);
  });

  it('refuses words, digits, counts, controls, white space and several emoji', () => {
    for (const e of NOT_ONE) expect(isReactionEmoji(e), JSON.stringify(e)).toBe(false);
  });

  it('has a fallback for engines without the v flag that agrees on these', () => {
    const fallback = fallbackEmojiPattern();
    for (const e of ONE) expect(fallback.test(e), e).toBe(true);
    for (const e of NOT_ONE) expect(fallback.test(e), JSON.stringify(e)).toBe(false);
  });

  it('is what the Reaction body checks', () => {
    expect(Reaction.safeParse({ kind: 'reaction', target: 'msg-00000001', emoji: '👍🏽' }).success).toBe(true);
    expect(Reaction.safeParse({ kind: 'reaction', target: 'msg-00000001', emoji: '+1 (3)' }).success).toBe(false);
  });
});
