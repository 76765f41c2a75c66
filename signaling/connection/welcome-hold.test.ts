// The changes a login records while it reads the store are bounded by the peers they are about:
// a peer flipping a block during the login keeps one entry, the latest (review M5).
import { describe, expect, it } from 'vitest';
import { WelcomeHold } from './welcome-hold';

describe('WelcomeHold changes', () => {
  it('keeps the latest change per kind and peer, in the order they last came', () => {
    const hold = new WelcomeHold();
    hold.recordChange({ t: 'contact', peer: 'bob', on: true }); // before begin: not recorded
    hold.begin();
    for (let i = 0; i < 10_000; i++) hold.recordChange({ t: 'blocked_by', peer: 'mallory', on: i % 2 === 0 });
    hold.recordChange({ t: 'contact', peer: 'carol', on: true });
    hold.recordChange({ t: 'blocked_by', peer: 'carol', on: true });
    hold.recordChange({ t: 'contact', peer: 'carol', on: false });
    expect(hold.takeChanges()).toEqual([
      { t: 'blocked_by', peer: 'mallory', on: false },
      { t: 'blocked_by', peer: 'carol', on: true },
      { t: 'contact', peer: 'carol', on: false },
    ]);
    hold.recordChange({ t: 'contact', peer: 'dave', on: true }); // recording stopped
    expect(hold.takeChanges()).toEqual([]);
  });
});
