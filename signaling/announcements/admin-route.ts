/**
 * POST /admin/announcements: the operator's way to send an announcement to every user of a
 * running server (`npm run announce` uses it when ADMIN_SECRET is set). Off (404) unless
 * ADMIN_SECRET is set; wants `Authorization: Bearer <secret>`, compared in constant time; POST
 * only; the body is JSON `{"text": "..."}` of at most a few KiB; a few requests a minute.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { AnnouncementText } from '../../shared/protocol-announcements';
import { type Route, sendJson } from '../ops-http';
import { TokenBucket } from '../rate-limiter';
import type { Announcement } from '../store/announcements';

export const ADMIN_ANNOUNCE_PATH = '/admin/announcements';
/** Bodies above this are refused (413) before being parsed: the text bound in UTF-8 with JSON's escaping, and room to spare. */
const MAX_BODY_BYTES = 16 * 1024;

/** Digests have one length, so the comparison neither throws on a length mismatch nor leaks the secret's length. */
const digest = (text: string) => createHash('sha256').update(text).digest();

export function adminAnnounceRoute(secret: string, announce: (text: string) => Promise<Announcement>): Route {
  const wanted = digest(`Bearer ${secret}`);
  // Every request counts, authorized or not: guessing the secret is as slow as using it.
  const rate = new TokenBucket(10 / 60, 10);
  return (req, res) => {
    if ((req.url ?? '/').split('?')[0] !== ADMIN_ANNOUNCE_PATH) return false;
    if (!secret) {
      // Off: a plain 404 here, not the web app's page (which a SPA fallback would answer 200).
      res.writeHead(404).end();
      return true;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    if (!rate.take()) {
      sendJson(res, 429, { error: 'rate_limited' });
      return true;
    }
    if (!timingSafeEqual(digest(String(req.headers.authorization ?? '')), wanted)) {
      sendJson(res, 403, { error: 'forbidden' });
      return true;
    }
    void readBody(req).then(async (body) => {
      if (body === undefined) return sendJson(res, 413, { error: 'too_large' });
      let text: unknown;
      try {
        text = (JSON.parse(body) as { text?: unknown }).text;
      } catch {
        return sendJson(res, 400, { error: 'bad_request' });
      }
      const parsed = AnnouncementText.safeParse(text);
      if (!parsed.success) return sendJson(res, 400, { error: 'bad_text', message: parsed.error.issues[0]?.message ?? '' });
      try {
        sendJson(res, 200, await announce(parsed.data));
      } catch {
        sendJson(res, 503, { error: 'unavailable' });
      }
    });
    return true;
  };
}

/** The body as text, or undefined past MAX_BODY_BYTES. */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    // Past the bound the rest is read and dropped (not kept), so the client still gets its 413.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) parts.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
