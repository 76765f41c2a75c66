import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Beating, Heartbeat } from './heartbeat';

/** A connection that answers each ping at once, unless told to stop. */
class FakeSession implements Beating {
  alive = true;
  closed = false;
  pings = 0;
  answers = true;
  terminated = false;
  readonly ws = { terminate: () => void (this.terminated = true) };
  ping(): void {
    this.pings++;
    if (this.answers) this.alive = true;
  }
}

describe('Heartbeat', () => {
  afterEach(() => vi.useRealTimers());

  it('pings each connection once per period, a slice at a time', () => {
    vi.useFakeTimers();
    const beat = new Heartbeat<FakeSession>(1000, 100);
    const sessions = Array.from({ length: 95 }, () => new FakeSession());
    for (const s of sessions) beat.add(s);
    beat.start();
    const perTick: number[] = [];
    let before = 0;
    for (let t = 0; t < 10; t++) {
      vi.advanceTimersByTime(100);
      const now = sessions.reduce((n, s) => n + s.pings, 0);
      perTick.push(now - before);
      before = now;
    }
    // 95 connections over 10 slices: no tick pings more than 10, and after one period every one was pinged once.
    expect(Math.max(...perTick)).toBeLessThanOrEqual(10);
    expect(sessions.every((s) => s.pings === 1)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(sessions.every((s) => s.pings === 2)).toBe(true);
    beat.stop();
  });

  it('cuts a connection that did not answer its previous ping, and only it', () => {
    vi.useFakeTimers();
    const beat = new Heartbeat<FakeSession>(200, 100);
    const live = new FakeSession();
    const dead = new FakeSession();
    dead.answers = false;
    beat.add(live);
    beat.add(dead);
    beat.start();
    vi.advanceTimersByTime(200); // each pinged once; dead never answered
    expect(dead.terminated).toBe(false);
    vi.advanceTimersByTime(200); // dead's next turn: no pong since the last ping
    expect(dead.terminated).toBe(true);
    expect(dead.closed).toBe(true);
    expect(live.terminated).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(dead.pings).toBe(1);
    expect(live.pings).toBe(7);
    beat.stop();
  });

  it('forgets a removed connection, and keeps the period when it does not divide into ticks', () => {
    vi.useFakeTimers();
    const beat = new Heartbeat<FakeSession>(250, 100);
    const gone = new FakeSession();
    const kept = new FakeSession();
    beat.add(gone);
    beat.add(kept);
    beat.remove(gone);
    beat.start();
    vi.advanceTimersByTime(1000);
    expect(gone.pings).toBe(0);
    expect(kept.pings).toBe(4); // once per 250 ms
    beat.stop();
  });
});
