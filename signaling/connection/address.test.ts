import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, isTrustedProxy, parseProxyTrust } from './address';

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const none = parseProxyTrust('');
    expect(clientAddress('203.0.113.9', '198.51.100.1', none)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:203.0.113.9', undefined, none)).toBe('203.0.113.9');
    expect(isTrustedProxy('127.0.0.1', none)).toBe(false);
  });

  it('takes the right-most hop that is not a trusted proxy', () => {
    const list = parseProxyTrust('10.0.0.0/8, loopback');
    // The client wrote "1.1.1.1" itself; 198.51.100.7 is what our first proxy saw.
    expect(clientAddress('127.0.0.1', '1.1.1.1, 198.51.100.7, 10.1.2.3', list)).toBe('198.51.100.7');
    // A peer that is not in the list is the client, and its header is ignored.
    expect(clientAddress('192.0.2.5', '1.1.1.1', list)).toBe('192.0.2.5');
    // Ports and brackets are stripped; garbage falls back to the proxy that wrote it.
    expect(clientAddress('10.0.0.1', '[2001:db8::1]:443', list)).toBe('2001:db8::1');
    expect(clientAddress('10.0.0.1', '198.51.100.7:5000', list)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', 'unknown', list)).toBe('10.0.0.1');
  });

  it('with a hop count, trusts that many hops whatever their address', () => {
    const one = parseProxyTrust('1');
    expect(clientAddress('192.0.2.1', '1.1.1.1, 198.51.100.7', one)).toBe('198.51.100.7');
    expect(clientAddress('192.0.2.1', '1.1.1.1, 198.51.100.7', parseProxyTrust('2'))).toBe('1.1.1.1');
    // More hops than the header has: the left-most entry is all there is.
    expect(clientAddress('192.0.2.1', '198.51.100.7', parseProxyTrust('5'))).toBe('198.51.100.7');
    expect(clientAddress('192.0.2.1', undefined, one)).toBe('192.0.2.1');
  });

  it('refuses a setting it cannot read', () => {
    expect(() => parseProxyTrust('yes please')).toThrow(/TRUST_PROXY/);
    expect(() => parseProxyTrust('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
  });

  it('counts IPv4 by address and IPv6 by /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });
});
