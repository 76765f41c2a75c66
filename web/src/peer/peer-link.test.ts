// The link face, with real Links and PeerLinks over a fake server connection and fake direct
// channels: envelopes keep their order across a switch to direct and back; arrivals from either
// path reach the one sink alike and each is answered on the path it came by; outcomes from the
// server and from the channel reach the sink alike, a receipt acknowledged only once recorded.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, publicKeyB64 } from '../../../shared/identity';
import type { ClientFrame } from '../../../shared/protocol';
import { type Sodium, loadSodium } from '../../../shared/sodium';
import type { EnvelopeSink, Outcome } from './link';
import { testLinks } from './test-support';

let s: Sodium;
beforeAll(async () => {
  s = await loadSodium();
});

/** `me`'s links, with `peer` as the one contact, reporting to a recording sink. */
function setup(me: string, peer: string) {
  const mine = generateKeyPair(s);
  const theirs = generateKeyPair(s);
  const net = testLinks(s, { username: me, ...mine }, { [peer]: publicKeyB64(s, theirs) });
  const arrived: Array<{ peer: string; id: string; env: string }> = [];
  const outcomes: Array<{ ids: readonly string[]; outcome: Outcome; by: string | undefined }> = [];
  let recording: Promise<void> = Promise.resolve();
  const sink: EnvelopeSink = {
    envelope: async (p, id, env) => void arrived.push({ peer: p, id, env }),
    outcome: async (ids, outcome, by) => {
      await recording;
      outcomes.push({ ids, outcome, by });
    },
  };
  net.links.deliverTo(sink);
  const relaySent = () => net.frames.flatMap((f) => (f.t === 'send' ? [f.id] : []));
  const framesOf = <T extends ClientFrame['t']>(t: T) => net.frames.filter((f): f is Extract<ClientFrame, { t: T }> => f.t === t);
  return { ...net, link: net.links.get(peer), arrived, outcomes, relaySent, framesOf, hold: (p: Promise<void>) => (recording = p) };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ordering across a path switch', () => {
  it('stays on the relay until what it sent there is settled, then goes direct; what direct did not confirm goes again on the relay first, in order', async () => {
    const t = setup('alice', 'bob');
    t.link.send('m-0000001', 'A');
    t.link.send('m-0000002', 'B');
    const channel = await t.openDirect('bob');
    expect(t.link.path).toBe('direct');
    t.link.send('m-0000003', 'C'); // A and B not yet settled: C must not overtake them on the channel
    expect(channel.sent).toEqual([]);
    await t.handle({ t: 'stored', id: 'm-0000001' });
    await t.handle({ t: 'delivered', by: 'bob', ids: ['m-0000002', 'm-0000003'] });
    t.link.send('m-0000004', 'D');
    t.link.send('m-0000005', 'E');
    t.link.send('m-0000006', 'F');
    expect(channel.sent.map((f) => (f.t === 'env' ? f.id : f.t))).toEqual(['m-0000004', 'm-0000005', 'm-0000006']);
    channel.receive({ t: 'ack', ids: ['m-0000004'] });
    channel.close(); // E and F were not acknowledged on the channel
    t.link.send('m-0000007', 'G');
    expect(t.link.path).toBe('relay');
    expect(t.relaySent()).toEqual(['m-0000001', 'm-0000002', 'm-0000003', 'm-0000005', 'm-0000006', 'm-0000007']);
  });
});

describe('symmetric receive', () => {
  it('envelopes from the relay and from the channel reach the one sink alike, in arrival order', async () => {
    const t = setup('bob', 'alice');
    const channel = await t.openDirect('alice');
    await t.handle({ t: 'deliver', from: 'alice', id: 'relay-001', env: 'R', ts: 1 });
    channel.receive({ t: 'env', id: 'direct-01', env: 'D' });
    await t.handle({ t: 'deliver', from: 'alice', id: 'relay-002', env: 'R2', ts: 2 });
    await t.router.idle();
    expect(t.arrived).toEqual([
      { peer: 'alice', id: 'relay-001', env: 'R' },
      { peer: 'alice', id: 'direct-01', env: 'D' },
      { peer: 'alice', id: 'relay-002', env: 'R2' },
    ]);
  });

  it('one ack answers each envelope on the path it came by: both paths for a copy that came each way, the relay for one it does not know', async () => {
    const t = setup('bob', 'alice');
    const channel = await t.openDirect('alice');
    await t.handle({ t: 'deliver', from: 'alice', id: 'relay-001', env: 'R', ts: 1 });
    await t.handle({ t: 'deliver', from: 'alice', id: 'both-0001', env: 'B', ts: 1 });
    channel.receive({ t: 'env', id: 'direct-01', env: 'D' });
    channel.receive({ t: 'env', id: 'both-0001', env: 'B' });
    channel.receive({ t: 'env', id: 'bad-00001', env: 'X' });
    await t.router.idle();
    t.link.ack(['relay-001', 'direct-01', 'both-0001', 'unknown-1']);
    t.link.refuse(['bad-00001']);
    expect(t.framesOf('ack')).toEqual([{ t: 'ack', from: 'alice', ids: ['relay-001', 'both-0001', 'unknown-1'] }]);
    expect(channel.sent).toEqual([
      { t: 'ack', ids: ['direct-01', 'both-0001'] },
      { t: 'refuse', ids: ['bad-00001'] },
    ]);
    expect(t.framesOf('refuse')).toEqual([]);
  });

  it('a resend that arrives twice on one path before the first is answered is answered there twice', async () => {
    const t = setup('bob', 'alice');
    const channel = await t.openDirect('alice');
    channel.receive({ t: 'env', id: 'twice-001', env: 'T' });
    channel.receive({ t: 'env', id: 'twice-001', env: 'T' });
    await t.router.idle();
    t.link.ack(['twice-001']);
    t.link.ack(['twice-001']);
    expect(channel.sent).toEqual([
      { t: 'ack', ids: ['twice-001'] },
      { t: 'ack', ids: ['twice-001'] },
    ]);
    expect(t.framesOf('ack')).toEqual([]);
  });
});

describe('symmetric outcomes', () => {
  it('the store, a relayed receipt and a channel ack reach the sink alike; the receipt is acknowledged to the server only once recorded', async () => {
    const t = setup('alice', 'bob');
    t.link.send('m-0000001', 'A');
    t.link.send('m-0000002', 'B');
    await t.handle({ t: 'stored', id: 'm-0000001' });
    let record!: () => void;
    t.hold(new Promise<void>((resolve) => (record = resolve)));
    t.router.route({ t: 'refused', by: 'bob', ids: ['m-0000002'] });
    await turn();
    expect(t.framesOf('receipt_ack')).toEqual([]); // not recorded yet: the server must keep it
    record();
    await t.router.idle();
    await turn();
    expect(t.framesOf('receipt_ack')).toEqual([{ t: 'receipt_ack', by: 'bob', ids: ['m-0000002'] }]);
    const channel = await t.openDirect('bob');
    t.link.send('m-0000003', 'C');
    channel.receive({ t: 'ack', ids: ['m-0000003'] });
    await t.router.idle();
    expect(t.outcomes).toEqual([
      { ids: ['m-0000001'], outcome: 'sent', by: undefined },
      { ids: ['m-0000002'], outcome: 'refused', by: 'bob' },
      { ids: ['m-0000003'], outcome: 'delivered', by: 'bob' },
    ]);
  });
});
