import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACK_DELAY_MS, AckCoalescer } from './ack-coalescer';

afterEach(() => {
  vi.useRealTimers();
});

describe('AckCoalescer', () => {
  it('sends the highest ack of each group once per delay, never one per entry', () => {
    vi.useFakeTimers();
    const sent: Array<[string, number]> = [];
    const acks = new AckCoalescer((group, upTo) => sent.push([group, upTo]));
    for (let seq = 1; seq <= 500; seq++) acks.ack('g1', seq);
    acks.ack('g2', 7);
    acks.ack('g2', 3); // an older one changes nothing
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(sent).toEqual([
      ['g1', 500],
      ['g2', 7],
    ]);
    acks.ack('g1', 501);
    vi.advanceTimersByTime(ACK_DELAY_MS - 1);
    expect(sent).toHaveLength(2);
    acks.flush();
    expect(sent.at(-1)).toEqual(['g1', 501]);
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(sent).toHaveLength(3);
  });
});
