// A notification's body: the start of the text, cut on a whole code point (review L4).
import { describe, expect, it } from 'vitest';
import { t } from '../i18n/strings';
import { NOTIFICATION_BODY_CHARS, notificationBody } from './notifier';

describe('notificationBody', () => {
  it('cuts a long text without splitting an emoji, and hides text when asked', () => {
    const text = `${'x'.repeat(NOTIFICATION_BODY_CHARS - 1)}😀 more`;
    expect(notificationBody(text, true)).toBe('x'.repeat(NOTIFICATION_BODY_CHARS - 1));
    expect(notificationBody('short', true)).toBe('short');
    expect(notificationBody('short', false)).toBe(t.notificationNoText());
    expect(notificationBody('', true)).toBe(t.notificationNoText());
  });
});
