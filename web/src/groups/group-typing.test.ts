import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame } from '../../../shared/protocol';
import { TYPING_SEND_EVERY_MS, TYPING_SHOWN_MS } from '../conversations/typing';
import { GroupTyping } from './group-typing';

function typing(showTyping = true) {
  const sent: ClientFrame[] = [];
  const prefs = { showTyping };
  const t = new GroupTyping({ send: (f) => (sent.push(f), true), preferences: prefs, me: () => 'me' });
  const changes: string[] = [];
  t.addEventListener('change', (e) => changes.push((e as CustomEvent<string>).detail));
  return { t, sent, prefs, changes };
}

afterEach(() => vi.useRealTimers());

describe('GroupTyping', () => {
  it('signals at most every few seconds while the user types, and again at once after a send', () => {
    const { t, sent } = typing();
    t.input('G', 1000);
    t.input('G', 1000 + TYPING_SEND_EVERY_MS - 1);
    expect(sent).toEqual([{ t: 'group_typing', group: 'G' }]);
    t.stopped('G');
    t.input('G', 1000 + TYPING_SEND_EVERY_MS - 1);
    expect(sent).toHaveLength(2);
  });

  it('shows members typing until their message comes or a few seconds pass; never the user, none with "Show typing" off', () => {
    vi.useFakeTimers();
    const { t, sent, prefs, changes } = typing();
    t.received('G', 'bob');
    t.received('G', 'carol');
    t.received('G', 'me');
    t.received('G', 'bob');
    expect(t.typers('G')).toEqual(['bob', 'carol']);
    t.arrived('G', 'bob');
    expect(t.typers('G')).toEqual(['carol']);
    vi.advanceTimersByTime(TYPING_SHOWN_MS);
    expect(t.typers('G')).toEqual([]);
    expect(changes).toEqual(['G', 'G', 'G', 'G']);
    prefs.showTyping = false;
    t.received('G', 'dave');
    expect(t.typers('G')).toEqual([]);
    t.input('G');
    expect(sent).toEqual([]);
  });
});
