/**
 * Cluster mode end to end: three real server processes on one real Redis, alice on node 1 and
 * bob on node 2 (carol on node 3): everything a user does with a contact works across nodes, as
 * it does on one. What survives a node or Redis dying is in cluster-crash.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../shared/protocol';
import { encodeRelayFrame } from '../../../shared/relay-frames';
import { wentOffline } from '../../test-support/client';
import { useCluster } from '../../test-support/cluster-harness';
import { opened, sealedFile, upload } from '../../test-support/sealed-files';

const h = useCluster({ nodes: 3 });

describe('a cluster of three nodes on one Redis', () => {
  it('makes contacts across nodes, with requests, presence and declines', async () => {
    const alice = await h.user(0, 'alice');
    const bob = await h.user(1, 'bob');
    const carol = await h.user(2, 'carol');
    alice.send({ t: 'contact_request', to: bob.username });
    await bob.next((f) => f.t === 'request_received' && f.from === alice.username);
    bob.send({ t: 'contact_respond', from: alice.username, accept: true });
    // Both are online (on other nodes) when they become contacts, and each learns it.
    expect(await alice.next('contact_added')).toMatchObject({ contact: { username: bob.username, online: true } });
    expect(await bob.next('contact_added')).toMatchObject({ contact: { username: alice.username, online: true } });
    carol.send({ t: 'contact_request', to: alice.username });
    await alice.next((f) => f.t === 'request_received' && f.from === carol.username);
    alice.send({ t: 'contact_respond', from: carol.username, accept: false });
    expect(await carol.next('request_declined')).toMatchObject({ username: alice.username });

    // Presence crosses nodes both ways: bob leaves node 2, comes back on node 3.
    const bobId = bob.identity!;
    await bob.close();
    await alice.next(wentOffline(bobId.username));
    const back = await h.login(2, bobId);
    expect(back.welcome!.contacts).toEqual([expect.objectContaining({ username: alice.username, online: true })]);
    expect(await alice.next('presence')).toEqual({ t: 'presence', username: bobId.username, online: true });
  });

  it('writes a burst of messages for one recipient to Redis in a few script calls, and hands them over in order', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const admin = createClient({ url: h.cluster.redis.url });
    await admin.connect();
    const scriptCalls = async () => {
      const info = await admin.sendCommand<string>(['INFO', 'commandstats']);
      return [...info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)].reduce((n, m) => n + Number(m[2]), 0);
    };
    try {
      const ids = Array.from({ length: 40 }, () => randomUUID());
      const before = await scriptCalls();
      for (const id of ids) alice.sendText(bob.identity!, id, `burst ${id}`);
      const got: string[] = [];
      while (got.length < ids.length) got.push((await bob.next('deliver')).id);
      expect(got).toEqual(ids);
      // One script call per message without batching; the batches (and any presence refresh) are far fewer.
      expect(await scriptCalls()).toBeLessThan(before + ids.length / 2);
      expect(alice.received.filter((f) => f.t === 'stored').map((f) => (f as { id: string }).id)).toEqual(ids);
    } finally {
      admin.destroy();
    }
  });

  it('delivers messages live across nodes in order, with receipts both ways', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) alice.sendText(bob.identity!, id, `hello ${id}`);
    const got: string[] = [];
    for (const id of ids) {
      const d = await bob.next('deliver');
      expect(await bob.openText(d, alice.identity!)).toBe(`hello ${id}`);
      got.push(d.id);
    }
    expect(got).toEqual(ids);
    bob.send({ t: 'ack', from: alice.username, ids });
    const delivered = new Set<string>();
    while (delivered.size < ids.length) {
      const r = await alice.next('delivered');
      expect(r.by).toBe(bob.username);
      r.ids.forEach((id) => delivered.add(id));
      alice.send({ t: 'receipt_ack', by: bob.username, ids: r.ids });
    }
    // Acknowledged on both sides: neither is handed anything again at its next login.
    await alice.roundTrip();
    await bob.close();
    await alice.close();
    const bob2 = await h.login(2, bob.identity!);
    const alice2 = await h.login(1, alice.identity!);
    await bob2.roundTrip();
    await alice2.roundTrip();
    expect(bob2.unread('deliver')).toEqual([]);
    expect(alice2.unread('delivered')).toEqual([]);
  });

  it('forwards signals and relayed chunks across nodes, and says when the peer is offline', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const data = JSON.stringify({ sid: 's1', signal: { type: 'offer', sdp: 'v=0' } });
    alice.send({ t: 'signal', to: bob.username, data });
    expect(await bob.next('signal')).toEqual({ t: 'signal', from: alice.username, data });
    bob.send({ t: 'signal', to: alice.username, data: '{"sid":"s1"}' });
    expect(await alice.next('signal')).toMatchObject({ from: bob.username });
    // A typing signal (transient) crosses nodes too, and is never answered.
    const env = 'A'.repeat(64);
    alice.send({ t: 'transient', to: bob.username, id: 'typing-0001', env });
    expect(await bob.next('transient')).toEqual({ t: 'transient', from: alice.username, id: 'typing-0001', env });

    const payloads = [1, 2, 3].map((n) => new Uint8Array(60_000).fill(n));
    for (const p of payloads) alice.sendRaw(Buffer.from(encodeRelayFrame(bob.username, p)));
    await expect.poll(() => bob.relayed.length).toBe(3);
    expect(bob.relayed.map((r) => r.from)).toEqual([alice.username, alice.username, alice.username]);
    expect(bob.relayed.map((r) => r.payload[100])).toEqual([1, 2, 3]);
    expect(Buffer.from(bob.relayed[2]!.payload).equals(Buffer.from(payloads[2]!))).toBe(true);

    await bob.close();
    await alice.next(wentOffline(bob.username));
    alice.send({ t: 'signal', to: bob.username, data });
    expect(await alice.next('error')).toMatchObject({ code: 'peer_offline', ref: bob.username });
    alice.sendRaw(Buffer.from(encodeRelayFrame(bob.username, payloads[0]!)));
    expect(await alice.next('error')).toMatchObject({ code: 'peer_offline' });
  });

  it('tells a sender on another node that its recipient is not keeping up (the same per-connection limit)', async () => {
    const [alice, bob] = await h.pair(0, 1);
    bob.pauseReading();
    const data = 'x'.repeat(16_000);
    for (let i = 0; i < 400; i++) alice.send({ t: 'signal', to: bob.username, data });
    expect(await alice.nextError('recipient_busy', 15_000)).toMatchObject({ ref: bob.username });
    bob.resumeReading();
    await bob.roundTrip(15_000);
    expect(bob.isOpen).toBe(true);
  });

  it('keeps messages and a file for a contact offline, written on one node and handed over on another', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const bobId = bob.identity!;
    await bob.close();
    await alice.next(wentOffline(bobId.username));
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) alice.sendText(bobId, id, `later ${id}`);
    for (const id of ids) expect(await alice.next('stored')).toEqual({ t: 'stored', id });
    const file = sealedFile(200_000);
    upload(alice, bobId.username, file);
    alice.send({ t: 'file_commit', to: bobId.username, fileId: file.fileId, count: file.count });
    expect(await alice.next('file_stored')).toMatchObject({ fileId: file.fileId });

    const back = await h.login(2, bobId);
    expect((await back.next('deliver')).id).toBe(ids[0]);
    expect((await back.next('deliver')).id).toBe(ids[1]);
    back.send({ t: 'file_fetch', from: alice.username, fileId: file.fileId, next: 0 });
    await expect.poll(() => back.relayed.length).toBe(file.count);
    expect(Buffer.concat(opened(back, file).map((c) => c!.plain)).equals(Buffer.from(file.plain))).toBe(true);
    back.send({ t: 'ack', from: alice.username, ids });
    // Receipts come through alice's stream, one item (and frame) each.
    const receipted: string[] = [];
    while (receipted.length < ids.length) receipted.push(...(await alice.next('delivered')).ids);
    expect(receipted).toEqual(ids);
  });

  it('replaces a login with a second one on another node, which gets what the first never acknowledged', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const id = randomUUID();
    alice.sendText(bob.identity!, id, 'before the second login');
    expect((await bob.next('deliver')).id).toBe(id);
    const second = await h.login(2, bob.identity!);
    expect((await bob.closed).code).toBe(CloseCode.replaced);
    expect((await second.next('deliver')).id).toBe(id);
    // Alice never saw bob go away, and her messages reach the new login.
    const next = randomUUID();
    alice.sendText(bob.identity!, next, 'after');
    expect((await second.next('deliver')).id).toBe(next);
    await alice.roundTrip();
    expect(alice.received.filter((f) => f.t === 'presence' && f.username === bob.username && !f.online)).toEqual([]);
  });
});
