// Typing: throttled while the user types, shown for TYPING_SHOWN_MS after a contact's signal and
// gone sooner when they stop or their message arrives; with "Show typing" off none goes and none shows.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReceivedBody } from './bodies/registry';
import { TYPING_SEND_EVERY_MS, TYPING_SHOWN_MS, Typing } from './typing';

let sent: string[];
function typing(showTyping = true) {
  sent = [];
  const preferences = { showTyping };
  const seal = {
    seal: (peer: string) => ({ id: `id-${sent.length}`, env: peer }),
    open: async (_from: string, _id: string, env: string) => JSON.parse(env) as ReceivedBody,
  };
  return { t: new Typing({ seal, send: (peer) => sent.push(peer) > 0, preferences }), preferences };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('typing', () => {
  it('sends at most one signal every TYPING_SEND_EVERY_MS while the user types, and at once after a send', () => {
    const { t } = typing();
    t.input('bob', 0);
    t.input('bob', 100);
    t.input('bob', TYPING_SEND_EVERY_MS - 1);
    expect(sent).toEqual(['bob']);
    t.input('bob', TYPING_SEND_EVERY_MS);
    expect(sent).toEqual(['bob', 'bob']);
    t.stopped('bob');
    t.input('bob', TYPING_SEND_EVERY_MS + 10);
    expect(sent).toHaveLength(3);
  });

  it('shows a contact typing until TYPING_SHOWN_MS pass, they stop, or their message arrives', async () => {
    const { t } = typing();
    const changes = vi.fn();
    t.addEventListener('change', changes);
    await t.receive('bob', 'x', JSON.stringify({ kind: 'typing', on: true }));
    expect(t.isTyping('bob')).toBe(true);
    vi.advanceTimersByTime(TYPING_SHOWN_MS - 1);
    expect(t.isTyping('bob')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(t.isTyping('bob')).toBe(false);
    t.show('bob', { kind: 'typing', on: true });
    t.show('bob', { kind: 'typing', on: false });
    expect(t.isTyping('bob')).toBe(false);
    t.show('bob', { kind: 'typing', on: true });
    t.clear('bob'); // their message arrived
    expect(t.isTyping('bob')).toBe(false);
    expect(changes).toHaveBeenCalledTimes(6);
  });

  it('ignores what is not a typing body', async () => {
    const { t } = typing();
    await t.receive('bob', 'x', JSON.stringify({ kind: 'text', text: 'typing' }));
    expect(t.isTyping('bob')).toBe(false);
  });

  it('with "Show typing" off sends none and shows none', () => {
    const { t, preferences } = typing(false);
    t.input('bob', 0);
    t.show('bob', { kind: 'typing', on: true });
    expect(sent).toEqual([]);
    expect(t.isTyping('bob')).toBe(false);
    preferences.showTyping = true;
    expect(t.isTyping('bob')).toBe(false);
  });
});
