// A notification's body: the start of the text, cut on a whole code point (review L4); and
// whether a message notifies: never while read, in a muted conversation only when it mentions the user.
import { describe, expect, it } from 'vitest';
import { t } from '../i18n/strings';
import { NOTIFICATION_BODY_CHARS, notificationBody, notifies } from './notifier';

describe('notificationBody', () => {
  it('cuts a long text without splitting an emoji, and hides text when asked', () => {
    const text = `${'x'.repeat(NOTIFICATION_BODY_CHARS - 1)}😀 more`;
    expect(notificationBody(text, true)).toBe('x'.repeat(NOTIFICATION_BODY_CHARS - 1));
    expect(notificationBody('short', true)).toBe('short');
    expect(notificationBody('short', false)).toBe(t.notificationNoText());
    expect(notificationBody('', true)).toBe(t.notificationNoText());
  });
});

describe('notifies', () => {
  const c = { muted: false, readingIt: false, me: 'bob' };
  it('notifies unless the conversation is open, or muted and the message does not mention the user', () => {
    expect(notifies({}, c)).toBe(true);
    expect(notifies({}, { ...c, readingIt: true })).toBe(false);
    expect(notifies({}, { ...c, muted: true })).toBe(false);
    expect(notifies({ mentions: ['carol'] }, { ...c, muted: true })).toBe(false);
    // Mentioned: the mute does not hold it back, but the open conversation still does.
    expect(notifies({ mentions: ['carol', 'bob'] }, { ...c, muted: true })).toBe(true);
    expect(notifies({ mentions: ['bob'] }, { ...c, muted: true, readingIt: true })).toBe(false);
    expect(notifies({ mentions: ['bob'] }, { ...c, muted: true, me: undefined })).toBe(false);
  });
});
