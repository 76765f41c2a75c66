/**
 * Short-lived TURN credentials (the TURN REST API that coturn implements with
 * `--use-auth-secret`, draft-uberti-behave-turn-rest): the server and the TURN server share a
 * secret; a browser gets `username = "<unix expiry>:<user>"` and `credential =
 * base64(HMAC-SHA1(secret, username))`, which the TURN server recomputes and refuses once the
 * expiry has passed. No long-lived TURN password ever reaches a browser. The HMAC is the
 * construction the TURN server checks, taken whole from Node's crypto.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../shared/protocol';

export interface TurnSettings {
  /** `turn:`/`turns:` URLs of the TURN server(s) sharing `secret`. */
  urls: string[];
  secret: string;
  /** How long a minted credential is good for. */
  ttlSeconds: number;
}

/** A TURN entry for `RTCPeerConnection`'s `iceServers`, and when (ms since the epoch) it stops working. */
export interface MintedTurn {
  server: IceServer;
  expiresAt: number;
}

export function mintTurnCredential(settings: TurnSettings, user: string, nowMs = Date.now()): MintedTurn {
  const expiry = Math.floor(nowMs / 1000) + settings.ttlSeconds;
  const username = `${expiry}:${user}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return { server: { urls: settings.urls, username, credential }, expiresAt: expiry * 1000 };
}
