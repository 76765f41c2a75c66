import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACK_DELAY_MS, ACK_EARLY_ENTRIES, AckCoalescer } from './ack-coalescer';

afterEach(() => {
  vi.useRealTimers();
});

describe('AckCoalescer', () => {
  it('sends the highest ack of each group once per delay, never one per entry', () => {
    vi.useFakeTimers();
    const sent: Array<[string, number]> = [];
    const acks = new AckCoalescer((group, upTo) => sent.push([group, upTo]));
    for (let seq = 1; seq < ACK_EARLY_ENTRIES; seq++) acks.ack('g1', seq);
    acks.ack('g2', 7);
    acks.ack('g2', 3); // an older one changes nothing
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(sent).toEqual([
      ['g1', ACK_EARLY_ENTRIES - 1],
      ['g2', 7],
    ]);
    sent.length = 0;
    // A fast reader: every ACK_EARLY_ENTRIES entries an ack goes at once (half the server's window).
    for (let seq = 100; seq < 100 + 3 * ACK_EARLY_ENTRIES; seq++) acks.ack('g1', seq);
    expect(sent).toEqual([
      ['g1', 100 + ACK_EARLY_ENTRIES - 1],
      ['g1', 100 + 2 * ACK_EARLY_ENTRIES - 1],
      ['g1', 100 + 3 * ACK_EARLY_ENTRIES - 1],
    ]);
    acks.ack('g1', 501);
    vi.advanceTimersByTime(ACK_DELAY_MS - 1);
    expect(sent).toHaveLength(3);
    acks.flush();
    expect(sent.at(-1)).toEqual(['g1', 501]);
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(sent).toHaveLength(4);
  });
});
