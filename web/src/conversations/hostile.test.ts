// What a hostile contact can send, on a real Messenger (fake IndexedDB, real sealing, real Links):
// the hardening of the 2026-12-02 review. A date no clock can hold does not open, and one far in
// the future shows the arrival time instead.
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS } from './clock';
import { useTestWorld } from './test-device';

const w = useTestWorld();
/** Lets the batched answers (one turn of the event loop) go out. */
const flushed = () => new Promise((resolve) => setTimeout(resolve, 5));
/** The ids `device` answered with frame `t` for sender `from`. */
const answered = (frames: Array<{ t: string }>, t: 'ack' | 'refuse', from: string) =>
  frames.flatMap((f) => (f.t === t && (f as { from?: string }).from === from ? (f as unknown as { ids: string[] }).ids : []));

describe('the sender’s clock (review H2)', () => {
  it('refuses a ts no Date can hold, and shows the arrival time for one far ahead', async () => {
    const bob = await w.device('bob');
    const text = { kind: 'text', text: 'from the future' };
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0001', env: w.seal('alice', 'bob', 'time-0001', text, 1e20), ts: 1 });
    const before = Date.now();
    const ahead = before + 365 * 24 * 3600_000;
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0002', env: w.seal('alice', 'bob', 'time-0002', text, ahead), ts: 1 });
    const skewed = before + CLOCK_SKEW_MS / 2;
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0003', env: w.seal('alice', 'bob', 'time-0003', text, skewed), ts: 1 });
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0004', env: w.seal('alice', 'bob', 'time-0004', text, 1000), ts: 1 });
    await flushed();
    expect(answered(bob.frames, 'refuse', 'alice')).toEqual(['time-0001']);
    const shown = await bob.messenger.conversation('dm:alice');
    expect(shown.map((m) => m.id)).toEqual(['time-0002', 'time-0003', 'time-0004']);
    expect(shown[0]!.ts).toBeGreaterThanOrEqual(before);
    expect(shown[0]!.ts).toBeLessThanOrEqual(Date.now());
    expect(shown[1]!.ts).toBe(skewed); // an ordinary clock difference is shown as sent
    expect(shown[2]!.ts).toBe(1000); // late is shown as sent: a queued message arrives late
    expect(() => new Date(shown[0]!.ts).toISOString()).not.toThrow();
  });
});
