import { describe, expect, it } from 'vitest';
import { Progress } from './progress';

describe('Progress', () => {
  it('knows no speed before there are 200 ms between two samples', () => {
    const p = new Progress();
    expect(p.speed).toBe(0);
    expect(p.secondsLeft(1000)).toBeUndefined();
    p.update(0, 1000);
    expect(p.speed).toBe(0);
    p.update(5000, 1199);
    expect(p.speed).toBe(0);
    p.update(10_000, 1200);
    expect(p.speed).toBe(50_000);
  });

  it('measures bytes per second between the oldest and the newest sample, and the time left at that speed', () => {
    const p = new Progress();
    p.update(0, 0);
    p.update(1000, 250);
    p.update(2000, 500);
    expect(p.speed).toBe(4000);
    expect(p.secondsLeft(8000)).toBe(2);
  });

  it('forgets samples older than its window, so the speed follows a change', () => {
    const p = new Progress(3000);
    p.update(0, 0);
    p.update(1_000_000, 1000); // fast at first
    p.update(1_100_000, 4000);
    p.update(1_200_000, 5000); // now 100 kB/s
    expect(p.speed).toBe(100_000);
  });

  it('keeps the last two samples even when both are older than the window', () => {
    const p = new Progress(3000);
    p.update(0, 0);
    p.update(10_000, 10_000);
    expect(p.speed).toBe(1000);
  });

  it('reset() forgets everything', () => {
    const p = new Progress();
    p.update(0, 0);
    p.update(1000, 1000);
    p.reset();
    expect(p.speed).toBe(0);
    p.update(5000, 2000);
    expect(p.speed).toBe(0);
  });
});
