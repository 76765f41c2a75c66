/**
 * Who a connection is from, for the per-address limits: the socket's peer, or, behind a proxy
 * the operator trusts, the right-most address in `X-Forwarded-For` that is not a trusted proxy
 * (each proxy appends the address it saw; anything to the left of it may be made up by the client).
 * Counts are kept per address key: an IPv4 address, or an IPv6 /64 (one subscriber holds a whole /64).
 */
import net from 'node:net';

/** Whose `X-Forwarded-For` the server believes (config `TRUST_PROXY`). */
export type ProxyTrust =
  | { kind: 'none' }
  /** The last `hops` hops (the socket's peer first) are proxies of ours, whatever their address. */
  | { kind: 'hops'; hops: number }
  /** Proxies are the peers in this list. */
  | { kind: 'list'; list: net.BlockList };

/**
 * `TRUST_PROXY`: empty (or `0`, `false`): no proxy, `X-Forwarded-For` is ignored; a number `n`:
 * the `n` nearest hops are proxies (`1`: one reverse proxy in front); otherwise a comma-separated
 * list of addresses and CIDR blocks (`10.0.0.0/8, ::1`), with `loopback` for 127.0.0.0/8 and ::1.
 * Throws on anything else, so a typo never silently trusts a client-chosen header.
 */
export function parseProxyTrust(text: string): ProxyTrust {
  const setting = text.trim().toLowerCase();
  if (setting === '' || setting === '0' || setting === 'false') return { kind: 'none' };
  if (/^\d+$/.test(setting)) return { kind: 'hops', hops: Number(setting) };
  const list = new net.BlockList();
  for (const entry of setting.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (entry === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [ip = '', bits] = entry.split('/');
    const family = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : undefined;
    const prefix = bits === undefined ? undefined : Number(bits);
    const maxBits = family === 'ipv4' ? 32 : 128;
    if (!family || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= maxBits))) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an address, a CIDR block or "loopback"`);
    }
    if (prefix === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, prefix, family);
  }
  return { kind: 'list', list };
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, how a dual-stack socket reports IPv4) as plain IPv4. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** True when `peer` (the socket's remote address) is a proxy whose `X-Forwarded-For` counts. */
export function isTrustedProxy(peer: string, trust: ProxyTrust): boolean {
  if (trust.kind === 'none') return false;
  if (trust.kind === 'hops') return trust.hops > 0;
  return isListed(normalizeIp(peer), trust.list);
}

/** The client's address: the socket's peer, or the right-most untrusted hop of a trusted `X-Forwarded-For`. */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trust: ProxyTrust): string {
  const direct = normalizeIp(peer);
  if (trust.kind === 'none' || !isTrustedProxy(direct, trust) || forwardedFor === undefined) return direct;
  const hops = [String(forwardedFor).split(','), direct].flat().map((h) => forwardedHop(h.trim()));
  // hops[last] is the peer. Walk left past trusted proxies; stop at the first hop that is not one.
  let i = hops.length - 1;
  const trusted = trust.kind === 'hops' ? (index: number) => hops.length - 1 - index < trust.hops : (index: number) => isListed(hops[index]!, trust.list);
  while (i > 0 && trusted(i)) i--;
  // A hop that is not an address (`unknown`, garbage) cannot be counted: the proxy that wrote it stands in.
  while (i < hops.length - 1 && !net.isIP(hops[i]!)) i++;
  return hops[i]!;
}

/** One `X-Forwarded-For` entry without its port or brackets (`[2001:db8::1]:443`, `1.2.3.4:80`). */
function forwardedHop(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return normalizeIp(bracketed[1]!);
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return normalizeIp(v4WithPort ? v4WithPort[1]! : hop);
}

function isListed(ip: string, list: net.BlockList): boolean {
  const family = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : undefined;
  return family !== undefined && list.check(ip, family);
}

/** The key an address is counted under: IPv4 as is, IPv6 by its /64 (`2001:db8:0:1::/64`). */
export function addressKey(ip: string): string {
  const address = normalizeIp(ip);
  if (!net.isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  return groups ? `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64` : address;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 folded in, a zone dropped). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0]!;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : undefined;
}
