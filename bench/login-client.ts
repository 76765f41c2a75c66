/**
 * The returning user of the login benchmark: logs in with its key and takes its offline queue as
 * the app does, acknowledging each contact's messages in batches (one `ack` names one sender)
 * once its storage would have committed them (ACK_DELAY_MS after the first of a batch, as the
 * relay bench's client), within the server's frame rate (a batch of n ids costs ceil(n/16) frames).
 * It records when the welcome came, when the last message came, and how many ack frames it took.
 */
import { PROTOCOL_VERSION, encodeFrame } from '../shared/protocol';
import { signChallenge } from '../shared/identity';
import type { Sodium } from '../shared/sodium';
import type { LoginSeed } from './login-seed';
import { opened, openSocket, originFor, parleyUrl } from './parley-client';

/** The client's own pace, under the server's 500 frames/s and 1,000 burst (RATE_FRAMES_PER_SEC, RATE_BURST). */
const FRAMES_PER_SEC = 450;
const BURST_FRAMES = 800;
const IDS_PER_FRAME = 16;
const MAX_IDS = 256;
/** A client acks after its storage commit: modelled as this long after the first unacknowledged message. */
const ACK_DELAY_MS = 10;

export interface LoginTimes {
  /** From the login frame to the welcome, ms. */
  welcomeMs: number;
  /** From the login frame to the last queued message received, ms. */
  deliveredMs: number;
  /** From the login frame to the ack of the last message sent, ms. */
  ackedMs: number;
  contactsInWelcome: number;
  received: number;
  ackFrames: number;
  errors: Record<string, number>;
}

/** A token bucket of frames, as the server keeps one per connection. */
class Pace {
  #tokens = BURST_FRAMES;
  #at = performance.now();
  /** Milliseconds until `cost` frames may go (0: now, and they are taken). */
  take(cost: number): number {
    const now = performance.now();
    this.#tokens = Math.min(BURST_FRAMES, this.#tokens + ((now - this.#at) / 1000) * FRAMES_PER_SEC);
    this.#at = now;
    if (this.#tokens >= cost) {
      this.#tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - this.#tokens) / FRAMES_PER_SEC) * 1000);
  }
}

export async function loginAndDrain(
  sodium: Sodium,
  port: number,
  seed: LoginSeed,
  timeoutMs: number,
  /** Told the number of distinct messages received so far, as they come. */
  onProgress: (received: number) => void = () => {},
): Promise<LoginTimes> {
  const ws = openSocket(parleyUrl(port), originFor(port));
  ws.on('error', () => {});
  const seen = new Set<string>();
  const pending = new Map<string, string[]>();
  const pace = new Pace();
  const errors: Record<string, number> = {};
  let t0 = 0;
  let welcomeAt = 0;
  let lastAt = 0;
  let ackedAt = 0;
  let contacts = 0;
  let ackFrames = 0;
  let flushing: NodeJS.Timeout | undefined;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));

  const flush = (): void => {
    flushing = undefined;
    // The fullest batches first: they settle the most per frame.
    for (const [from, ids] of [...pending].sort((a, b) => b[1].length - a[1].length)) {
      const batch = ids.slice(0, MAX_IDS);
      const wait = pace.take(Math.max(1, Math.ceil(batch.length / IDS_PER_FRAME)));
      if (wait > 0) {
        flushing = setTimeout(flush, wait);
        return;
      }
      ws.send(encodeFrame({ t: 'ack', from, ids: batch }));
      ackFrames++;
      if (batch.length === ids.length) pending.delete(from);
      else ids.splice(0, batch.length);
    }
    if (seen.size === seed.messages && pending.size === 0) {
      ackedAt = performance.now();
      done();
    }
  };

  ws.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString()) as { t: string; nonce?: string; from?: string; id?: string; code?: string; contacts?: unknown[] };
    if (f.t === 'challenge') {
      t0 = performance.now();
      ws.send(encodeFrame({ t: 'login', v: PROTOCOL_VERSION, username: seed.username, sig: signChallenge(sodium, seed.secretKey, f.nonce!, seed.username) }));
    } else if (f.t === 'welcome') {
      welcomeAt = performance.now();
      contacts = f.contacts?.length ?? 0;
    } else if (f.t === 'deliver') {
      if (!seen.has(f.id!)) {
        seen.add(f.id!);
        lastAt = performance.now();
        onProgress(seen.size);
      }
      const ids = pending.get(f.from!);
      if (ids) ids.push(f.id!);
      else pending.set(f.from!, [f.id!]);
      flushing ??= setTimeout(flush, ACK_DELAY_MS);
    } else {
      const key = f.t === 'error' ? `error:${f.code}` : `frame:${f.t}`;
      errors[key] = (errors[key] ?? 0) + 1;
    }
  });
  await opened(ws);
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  clearTimeout(flushing);
  ws.close();
  if (seen.size < seed.messages) errors.undelivered = seed.messages - seen.size;
  return {
    welcomeMs: welcomeAt - t0,
    deliveredMs: lastAt - t0,
    ackedMs: ackedAt ? ackedAt - t0 : Number.NaN,
    contactsInWelcome: contacts,
    received: seen.size,
    ackFrames,
    errors,
  };
}
