import { describe, expect, it } from 'vitest';
import { Admission } from './admission';
import { RegistrationLimit } from './registration-limit';

const limits = { maxConnections: 4, headroom: 2, maxConnectionsPerAddress: 2, maxUnauthenticatedPerAddress: 1 };

describe('admission', () => {
  it('answers sockets over an address limit, drops them twice over, and forgets an address once all closed', () => {
    const a = new Admission(limits);
    expect([a.acceptSocket('x'), a.acceptSocket('x'), a.acceptSocket('x'), a.acceptSocket('x'), a.acceptSocket('x')]).toEqual(['ok', 'ok', 'busy', 'busy', 'drop']);
    expect(a.acceptSocket('y')).toBe('ok');
    for (let i = 0; i < 4; i++) a.releaseSocket('x');
    a.releaseSocket('y');
    expect([a.sockets, a.addresses]).toEqual([0, 0]);
  });

  it('refuses upgrades past the total but keeps the headroom for other sockets, then drops past it', () => {
    const a = new Admission(limits);
    for (const k of ['a', 'b', 'c', 'd']) expect(a.acceptSocket(k)).toBe('ok');
    expect(a.acceptSocket('e')).toBe('ok');
    expect(a.admitWebSocket('e', true)).toBe('full');
    expect(a.acceptSocket('f')).toBe('ok');
    expect(a.acceptSocket('g')).toBe('drop');
  });

  it('counts unauthenticated WebSockets until login, and proxied clients from their upgrade', () => {
    const a = new Admission({ ...limits, maxConnections: 100 });
    a.acceptSocket('x');
    a.acceptSocket('x');
    expect(a.admitWebSocket('x', true)).toBe('ok');
    expect(a.admitWebSocket('x', true)).toBe('unauthenticated');
    a.loggedIn('x');
    expect(a.admitWebSocket('x', true)).toBe('ok');
    // Behind a trusted proxy nothing was counted at accept: the open count starts at the upgrade.
    a.acceptSocket(undefined);
    a.acceptSocket(undefined);
    a.acceptSocket(undefined);
    expect(a.admitWebSocket('p', false)).toBe('ok');
    a.loggedIn('p');
    expect(a.admitWebSocket('p', false)).toBe('ok');
    a.loggedIn('p');
    expect(a.admitWebSocket('p', false)).toBe('address');
    a.releaseWebSocket('p', false, false);
    a.releaseWebSocket('p', false, false);
    expect(a.addresses).toBe(1); // only x is left
  });
});

describe('registration limit', () => {
  it('allows a burst of the hourly number, refills over the hour, and forgets full buckets', () => {
    let now = 0;
    const r = new RegistrationLimit(3, () => now);
    for (let i = 0; i < 3; i++) {
      expect(r.allows('x')).toBe(true);
      r.record('x');
    }
    expect(r.allows('x')).toBe(false);
    expect(r.allows('y')).toBe(true);
    now += 20 * 60_000; // a third of an hour: one more
    expect(r.allows('x')).toBe(true);
    r.record('x');
    expect(r.allows('x')).toBe(false);
    r.sweep();
    expect(r.size).toBe(1);
    now += 3600_000;
    r.sweep();
    expect(r.size).toBe(0);
  });

  it('with 0, refuses every registration', () => {
    expect(new RegistrationLimit(0).allows('x')).toBe(false);
  });
});
