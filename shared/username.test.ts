import { describe, expect, it } from 'vitest';
import { isReservedUsername, isValidUsername } from './username';

describe('reserved usernames', () => {
  it.each(['admin', 'administrator', 'root', 'support', 'help', 'parley', 'system', 'security', 'official', 'moderator', 'mod', 'staff', 'server', 'null', 'undefined', '__proto__', 'constructor', 'prototype', 'everyone', 'here'])(
    'refuses %s',
    (name) => {
      expect(isValidUsername(name)).toBe(true);
      expect(isReservedUsername(name)).toBe(true);
    },
  );

  it.each(['parley-team', 'parley_support', 'parleybot', 'admin2', 'admin_bob', 'official-news', 'support-desk', 'security_team'])(
    'refuses %s, which begins like the service',
    (name) => expect(isReservedUsername(name)).toBe(true),
  );

  it.each(['ad_min', 'sup-port', 'adm1n', 'r00t', 'parl3y', 'he1p', 'n-u-l-l', '_proto_'])('refuses the look-alike %s', (name) =>
    expect(isReservedUsername(name)).toBe(true),
  );

  it.each(['alice', 'bob', 'rootbeer_fan', 'moderate', 'madmin', 'helper', 'heretic', 'systematic', 'nullable', 'modern', 'team_rocket_x'])(
    'accepts the ordinary name %s',
    (name) => expect(isReservedUsername(name)).toBe(false),
  );
});
