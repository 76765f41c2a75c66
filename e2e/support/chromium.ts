/** How Playwright starts Debian's Chromium here (no browser can be downloaded). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Profile preferences of a browser that cannot gather ICE candidates (UDP only through a proxy,
 * and there is none): a direct WebRTC path can never form. The command-line switch for this policy
 * has no effect in this Chromium; the profile preference does.
 */
export const NO_UDP_PREFERENCES = { webrtc: { ip_handling_policy: 'disable_non_proxied_udp' } };
