import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limiter';

function bucket(rate: number, burst: number) {
  const clock = { now: 0 };
  const b = new TokenBucket(rate, burst, () => clock.now);
  const takeAll = (limit = 10_000) => {
    let n = 0;
    while (n < limit && b.take()) n++;
    return n;
  };
  return { clock, b, takeAll };
}

describe('TokenBucket', () => {
  it('starts full: allows a burst, then refuses', () => {
    const { b, takeAll } = bucket(10, 5);
    expect(takeAll()).toBe(5);
    expect(b.take()).toBe(false);
  });

  it('refills at the rate per second', () => {
    const { clock, b, takeAll } = bucket(10, 5);
    takeAll();
    clock.now = 99;
    expect(b.take()).toBe(false); // 0.99 of a token
    clock.now = 100;
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    clock.now = 400;
    expect(takeAll()).toBe(3);
  });

  it('never holds more than the burst, however long it rests', () => {
    const { clock, takeAll } = bucket(100, 7);
    takeAll();
    clock.now = 3_600_000;
    expect(takeAll()).toBe(7);
  });

  it('accumulates fractions of a token across calls', () => {
    const { clock, b, takeAll } = bucket(1, 1);
    takeAll();
    let allowed = 0;
    for (let t = 1; t <= 10; t++) {
      clock.now = t * 250;
      if (b.take()) allowed++;
    }
    expect(allowed).toBe(2); // 2.5 s at one token per second
  });

  it('holds a steady rate under constant pressure', () => {
    const { clock, b } = bucket(50, 10);
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      clock.now = ms;
      if (b.take()) allowed++;
    }
    expect(allowed).toBeGreaterThanOrEqual(50 * 10 + 10 - 1);
    expect(allowed).toBeLessThanOrEqual(50 * 10 + 10);
  });

  it('with a zero rate allows only the burst', () => {
    const { clock, takeAll } = bucket(0, 3);
    expect(takeAll()).toBe(3);
    clock.now = 1e9;
    expect(takeAll()).toBe(0);
  });

  it('uses the real clock by default', async () => {
    // One token per 50 ms: a busy machine pausing between the takes cannot refill the bucket.
    const b = new TokenBucket(20, 2);
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    expect(b.take()).toBe(true);
  });
});
