/**
 * The JSON endpoints of the self-host check page (web/check.html), which needs no login:
 *  - /check/echo: what the server saw of this request (scheme, host, forwarding headers, whether
 *    the peer is a proxy TRUST_PROXY trusts, the client address it takes from that), so a
 *    misconfigured reverse proxy shows. Only the request's own facts; no setting, no secret.
 *  - /check/ice: the ICE servers to test: the STUN entries of ICE_SERVERS (an entry that carries a
 *    credential is never handed out without a login), and, with TURN configured, a TURN credential
 *    minted for the pseudo-user `~check` (no username can be that) that lasts CHECK_TURN_TTL_SECONDS, at most
 *    CHECK_TURN_PER_HOUR_PER_ADDRESS per client address an hour (an open relay for anyone who asks
 *    would be worth abusing; a five-minute one, a few an hour, is not).
 */
import type http from 'node:http';
import type { IceServer } from '../shared/protocol';
import { type ProxyTrust, addressKey, clientAddress, isTrustedProxy, normalizeIp } from './connection/address';
import { RegistrationLimit } from './connection/registration-limit';
import { type Route, sendJson } from './ops-http';
import type { OpsSettings } from './ops-settings';
import { type TurnSettings, mintTurnCredential } from './turn';

/** The name TURN credentials of the check page are minted for (no account can be called that: usernames have no ~). */
export const CHECK_TURN_USER = '~check';

export interface CheckDeps {
  trustProxy: ProxyTrust;
  iceServers: IceServer[];
  turn: TurnSettings | undefined;
  settings: OpsSettings;
}

export interface CheckEndpoints {
  route: Route;
  /** Forgets addresses whose hourly allowance is full again. */
  sweep(): void;
}

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return value === undefined ? undefined : String(value).slice(0, 512);
};

export function createCheckEndpoints(deps: CheckDeps): CheckEndpoints {
  const limit = new RegistrationLimit(deps.settings.checkTurnPerHourPerAddress);
  const stunOnly = deps.iceServers.filter((s) => !s.username && !s.credential && [s.urls].flat().every((u) => /^stuns?:/.test(u)));

  function echo(req: http.IncomingMessage, res: http.ServerResponse): void {
    const peer = normalizeIp(req.socket.remoteAddress ?? '');
    sendJson(res, 200, {
      scheme: 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http',
      host: header(req, 'host') ?? null,
      forwardedFor: header(req, 'x-forwarded-for') ?? null,
      forwardedProto: header(req, 'x-forwarded-proto') ?? null,
      forwardedHost: header(req, 'x-forwarded-host') ?? null,
      peerIsTrustedProxy: isTrustedProxy(peer, deps.trustProxy),
      trustProxySet: deps.trustProxy.kind !== 'none',
      clientAddress: clientAddress(peer, req.headers['x-forwarded-for'], deps.trustProxy),
    });
  }

  function ice(req: http.IncomingMessage, res: http.ServerResponse): void {
    const iceServers = [...stunOnly];
    let turn: 'none' | 'minted' | 'limited' = 'none';
    if (deps.turn) {
      const key = addressKey(clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], deps.trustProxy));
      if (limit.allows(key)) {
        limit.record(key);
        iceServers.push(mintTurnCredential({ ...deps.turn, ttlSeconds: deps.settings.checkTurnTtlSeconds }, CHECK_TURN_USER).server);
        turn = 'minted';
      } else {
        turn = 'limited';
      }
    }
    sendJson(res, turn === 'limited' ? 429 : 200, { iceServers, turn, turnUrls: deps.turn?.urls ?? [] });
  }

  return {
    route: (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') return false;
      if (path === '/check/echo') echo(req, res);
      else if (path === '/check/ice') ice(req, res);
      else return false;
      return true;
    },
    sweep: () => limit.sweep(),
  };
}
