import { describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/protocol';
import { LIMITS } from '../shared/limits';
import { useServer } from './test-support/harness';

describe('hostile and malformed frames', () => {
  const h = useServer();
  const LIMIT = LIMITS.maxFrameBytes; // the MAX_FRAME_BYTES default

  /** Another client, connected before the abuse, and a new one after it, both still get service. */
  async function serverStillServes(bystander: Awaited<ReturnType<typeof h.user>>): Promise<void> {
    await bystander.roundTrip();
    const fresh = await h.user('fresh');
    await fresh.roundTrip();
  }

  it('answers a frame over the limit with too_large and keeps the socket', async () => {
    const bystander = await h.user('bystander');
    const c = await h.user('big');
    c.sendRaw(JSON.stringify({ t: 'ping', pad: 'x'.repeat(LIMIT) }));
    expect((await c.next('error')).code).toBe('too_large');
    c.sendRaw(`{"t":"ping","pad":"${'x'.repeat(2 * LIMIT - 100)}"}`); // just under the hard limit
    expect((await c.next('error')).code).toBe('too_large');
    await c.roundTrip();
    expect(c.isOpen).toBe(true);
    await serverStillServes(bystander);
  });

  it('closes a socket that sends more than twice the limit with 1009', async () => {
    const bystander = await h.user('bystander');
    const c = await h.user('huge');
    c.sendRaw(Buffer.alloc(2 * LIMIT + 1, 0x61), { binary: false });
    expect((await c.closed).code).toBe(CloseCode.tooLarge);
    await serverStillServes(bystander);
  });

  it('closes an unauthenticated socket that sends megabytes', async () => {
    const c = await h.connect();
    c.sendRaw('x'.repeat(8 * 1024 * 1024));
    expect((await c.closed).code).toBe(CloseCode.tooLarge);
  });

  it.each([
    ['text that is not JSON', 'hello, server'],
    ['truncated JSON', '{"t":"send","to":'],
    ['a JSON array', '[1,2,3]'],
    ['JSON null', 'null'],
    ['an invalid send', '{"t":"send","to":"bob","id":"x","env":"!"}'],
    ['a wrong-typed field', '{"t":"contact_respond","from":"bob","accept":"yes"}'],
  ])('answers %s with bad_frame and keeps serving', async (_what, text) => {
    const bystander = await h.user('bystander');
    const c = await h.user('junk');
    c.sendRaw(text);
    expect((await c.next('error')).code).toBe('bad_frame');
    await c.roundTrip();
    await serverStillServes(bystander);
  });

  it('answers a binary frame with bad_frame', async () => {
    const c = await h.user('binary');
    c.sendRaw(Buffer.from(JSON.stringify({ t: 'ping' })), { binary: true });
    expect((await c.next('error')).code).toBe('bad_frame');
    await c.roundTrip();
  });

  it.each([
    ['an unknown type', '{"t":"become_admin"}'],
    ['no type', '{"to":"bob"}'],
    ['a __proto__ type', '{"t":"__proto__"}'],
    ['a server frame type', '{"t":"welcome","username":"x"}'],
  ])('answers %s with unknown_type and keeps serving', async (_what, text) => {
    const bystander = await h.user('bystander');
    const c = await h.user('junk');
    c.sendRaw(text);
    expect((await c.next('error')).code).toBe('unknown_type');
    await c.roundTrip();
    await serverStillServes(bystander);
  });

  it('survives a mixed barrage from many sockets at once', async () => {
    const bystander = await h.user('bystander');
    const junk = ['', '{', '[]', '{"t":null}', '{"__proto__":{"t":"ping"}}', '\u0000\uffff', '{"t":"ack","from":"x","ids":[]}', 'x'.repeat(100_000)];
    const attackers = await Promise.all(Array.from({ length: 8 }, () => h.connect()));
    for (const a of attackers) for (const text of junk) a.sendRaw(text);
    for (const a of attackers) {
      // The last, far over the login size, is refused by ws from its header: the socket closes (1009).
      for (let i = 0; i < junk.length - 1; i++) {
        expect(['bad_frame', 'unknown_type', 'too_large']).toContain((await a.next('error')).code);
      }
      expect((await a.closed).code).toBe(1009);
    }
    await serverStillServes(bystander);
  });
});

describe('rate limiting', () => {
  const h = useServer({ env: { RATE_FRAMES_PER_SEC: '5', RATE_BURST: '10' } });

  it('drops frames over the rate with rate_limited, per connection, and recovers', async () => {
    const flooder = await h.user('flooder');
    const calm = await h.user('calm');
    for (let i = 0; i < 40; i++) flooder.send({ t: 'ping' });
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) {
      const f = await flooder.next((x) => x.t === 'pong' || (x.t === 'error' && x.code === 'rate_limited'));
      answers.push(f.t);
    }
    const pongs = answers.filter((t) => t === 'pong').length;
    // The burst of 10 plus whatever trickled in at 5/s while the 40 frames were read.
    expect(pongs).toBeGreaterThanOrEqual(9);
    expect(pongs).toBeLessThanOrEqual(20);
    expect(answers.length - pongs).toBeGreaterThanOrEqual(25);
    // Another connection has its own bucket.
    await calm.roundTrip();
    // After a pause the flooder is served again.
    await new Promise((r) => setTimeout(r, 1000));
    await flooder.roundTrip();
  });

  it('limits a connection before it logs in', async () => {
    const c = await h.connect();
    for (let i = 0; i < 30; i++) c.sendRaw('not json');
    await c.nextError('rate_limited');
  });
});

describe('the byte rate of text frames', () => {
  const h = useServer({ env: { TEXT_BYTES_PER_SEC: String(100_000), TEXT_BURST_BYTES: String(100_000) } });

  it('drops frames past it with rate_limited, holds the sender back, and keeps its connection', async () => {
    const bystander = await h.user('bystander');
    const c = await h.user('chatty');
    const pad = 'x'.repeat(40_000);
    for (let i = 0; i < 10; i++) c.sendRaw(JSON.stringify({ t: 'ping', pad }));
    await c.nextError('rate_limited');
    await bystander.roundTrip();
    // Once the bucket refills the same connection is served again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await c.roundTrip();
    expect(c.isOpen).toBe(true);
    expect(c.unread('pong').length).toBeLessThan(10);
  });
});
