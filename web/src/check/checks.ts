/**
 * What the check page tests, each answering in plain words: the WebSocket (a challenge arrives on
 * /ws), the reverse proxy's forwarding headers (/check/echo), and ICE: which candidate types the
 * server's STUN/TURN servers give this browser (/check/ice), and each TURN transport alone.
 */
import type { CheckItem } from './report';

const WS_TIMEOUT_MS = 5000;
const GATHER_TIMEOUT_MS = 8000;

export async function checkWebSocket(item: CheckItem): Promise<void> {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const outcome = await new Promise<string>((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => resolve('timeout'), WS_TIMEOUT_MS);
    ws.onmessage = (e) => {
      clearTimeout(timer);
      resolve(typeof e.data === 'string' && e.data.includes('"t":"challenge"') ? 'ok' : 'odd');
      ws.close();
    };
    ws.onerror = () => {
      clearTimeout(timer);
      resolve('error');
    };
  });
  if (outcome === 'ok') item.set('ok', `The WebSocket at ${url} opened and the server greeted it.`);
  else if (outcome === 'odd') item.set('fail', 'The WebSocket opened, but what answered is not a Parley server: check where your proxy sends /ws.');
  else
    item.set(
      'fail',
      `The WebSocket at ${url} did not open. If a reverse proxy is in front, it must pass WebSocket upgrades for /ws (the Upgrade and Connection headers) and allow long-lived connections; the page's origin must be the server's own or listed in ALLOWED_ORIGINS.`,
    );
}

interface Echo {
  scheme: string;
  host: string | null;
  forwardedFor: string | null;
  forwardedProto: string | null;
  peerIsTrustedProxy: boolean;
  trustProxySet: boolean;
  clientAddress: string;
}

export async function checkProxy(item: CheckItem): Promise<void> {
  let echo: Echo;
  try {
    echo = (await (await fetch('/check/echo', { cache: 'no-store' })).json()) as Echo;
  } catch {
    item.set('fail', 'The server did not answer /check/echo: this page may be served by something other than the Parley server.');
    return;
  }
  const problems: string[] = [];
  if (echo.forwardedFor && !echo.peerIsTrustedProxy)
    problems.push(
      'A proxy sends X-Forwarded-For, but the server does not trust it (TRUST_PROXY): every user counts as the proxy\'s address for the per-address limits. Set TRUST_PROXY=1 for one proxy in front.',
    );
  if (!echo.forwardedFor && echo.trustProxySet) problems.push('TRUST_PROXY is set, but no X-Forwarded-For arrived: the proxy should add it.');
  if (location.protocol === 'https:' && echo.scheme === 'http' && !echo.forwardedProto)
    problems.push('TLS ends at a proxy that sends no X-Forwarded-Proto; Parley works, but the proxy should say so.');
  if (location.protocol !== 'https:' && location.hostname !== 'localhost' && location.hostname !== '127.0.0.1')
    problems.push('This page is not on HTTPS: browsers allow the encryption Parley needs only on HTTPS (or localhost). Put a TLS reverse proxy in front.');
  const seen = `The server sees you as ${echo.clientAddress}, host ${echo.host ?? '(none)'}.`;
  if (problems.length === 0) item.set('ok', `${seen} The forwarding headers are consistent.`);
  else item.set('warn', `${seen} ${problems.join(' ')}`);
}

interface IceAnswer {
  iceServers: RTCIceServer[];
  turn: 'none' | 'minted' | 'limited';
  turnUrls: string[];
}

/** Gathers candidates with `config` and returns their types (host, srflx, prflx, relay). */
async function gather(config: RTCConfiguration): Promise<Set<string>> {
  const pc = new RTCPeerConnection(config);
  const types = new Set<string>();
  try {
    pc.createDataChannel('check');
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
      pc.onicecandidate = (e) => {
        if (e.candidate?.type) types.add(e.candidate.type);
        if (!e.candidate) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    await pc.setLocalDescription(await pc.createOffer());
    await done;
  } finally {
    pc.close();
  }
  return types;
}

export async function checkIce(candidates: CheckItem, turnItem: CheckItem): Promise<void> {
  let ice: IceAnswer;
  try {
    ice = (await (await fetch('/check/ice', { cache: 'no-store' })).json()) as IceAnswer;
  } catch {
    candidates.set('fail', 'The server did not answer /check/ice.');
    turnItem.set('fail', 'Not tested.');
    return;
  }
  const types = await gather({ iceServers: ice.iceServers });
  const list = [...types].sort().join(', ') || 'none';
  if (types.size === 0) candidates.set('fail', 'This browser gathered no ICE candidates at all: direct connections cannot form here (WebRTC may be disabled); Parley will use its relay.');
  else if (types.has('srflx') || types.has('relay')) candidates.set('ok', `Candidate types: ${list}.`);
  else
    candidates.set(
      'warn',
      `Candidate types: ${list}. Only local (host) candidates: direct connections work on one network only. Configure STUN (ICE_SERVERS) or TURN (TURN_URLS) for people on other networks.`,
    );
  await checkTurn(turnItem, ice);
}

async function checkTurn(item: CheckItem, ice: IceAnswer): Promise<void> {
  if (ice.turn === 'none') {
    item.set('warn', 'No TURN server is configured: people behind strict NATs or firewalls stay on the relay (which still works).');
    return;
  }
  if (ice.turn === 'limited') {
    item.set('warn', 'TURN test credentials for this address are used up for the hour: try again later.');
    return;
  }
  const turn = ice.iceServers.find((s) => s.username)!;
  const results: string[] = [];
  let failed = 0;
  for (const url of [turn.urls].flat()) {
    const types = await gather({ iceServers: [{ ...turn, urls: url }], iceTransportPolicy: 'relay' });
    const ok = types.has('relay');
    if (!ok) failed++;
    results.push(`${url}: ${ok ? 'works' : 'no relay candidate (unreachable, blocked, or the credential was refused: check TURN_SECRET matches static-auth-secret)'}`);
  }
  const urls = [turn.urls].flat().length;
  item.set(failed === 0 ? 'ok' : failed < urls ? 'warn' : 'fail', results.join('; '));
}
