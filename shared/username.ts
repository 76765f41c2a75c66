/** A username: 3–32 characters of a–z, 0–9, `_` and `-`. Lower case only, so names cannot impersonate by case. */
export const USERNAME_PATTERN = /^[a-z0-9_-]{3,32}$/;

export const isValidUsername = (name: string): boolean => USERNAME_PATTERN.test(name);

/**
 * Names nobody may register: they could pass for the service, its staff or a notice to everyone
 * (`admin`, `support`, `here`), or they are words code might treat specially (`__proto__`, `null`).
 */
const RESERVED = new Set([
  'abuse', 'admin', 'administrator', 'all', 'announcements', 'api', 'bot', 'channel', 'constructor', 'everyone',
  'help', 'helpdesk', 'here', 'hostmaster', 'info', 'mod', 'moderator', 'mods', 'nil', 'none', 'noreply', 'null',
  'official', 'operator', 'owner', 'postmaster', 'proto', '__proto__', 'prototype', 'root', 'security', 'server',
  'service', 'staff', 'support', 'sysadmin', 'system', 'team', 'undefined', 'webmaster',
]);

/** Beginnings that read as the service speaking (`parley-team`, `admin2`, `official_news`, `support-desk`). */
const RESERVED_PREFIXES = ['parley', 'admin', 'official', 'moderator', 'support', 'security'];

/** Digits that stand in for letters in look-alike names (`adm1n`, `r00t`, `parl3y`); `1` is tried as both `i` and `l`. */
const LOOKALIKE: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b' };

function skeletons(name: string): string[] {
  // Separators do not make a name different to a reader: `ad_min`, `sup-port`.
  const bare = name.replace(/[_-]/g, '').replace(/[034578]/g, (d) => LOOKALIKE[d] ?? d);
  return [name, bare, bare.replace(/1/g, 'i'), bare.replace(/1/g, 'l')];
}

/** True for a name kept back from registration (see {@link RESERVED}); `name` is a valid username. */
export function isReservedUsername(name: string): boolean {
  return skeletons(name).some((s) => RESERVED.has(s) || RESERVED_PREFIXES.some((p) => s.startsWith(p)));
}
