/**
 * Group files on a real server (SQLite, and Redis): one sealed copy per file, uploaded once and
 * fetched by every member; only members who may post upload, only active members fetch (that a
 * removed member's running stream stops is stored-files-stream.test.ts), the group's limits hold,
 * the uploader releases, and the copies go with the group.
 */
import { describe, expect, it } from 'vitest';
import { openChunk } from '../../shared/file-chunks';
import { encodeRelayFrame } from '../../shared/relay-frames';
import { loadSodium } from '../../shared/sodium';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';
import { type SealedFile, sealedFile } from '../test-support/sealed-files';

const sodium = await loadSodium();
const CHUNK = 65_536;
/** Small limits, so a test reaches them: 2 chunks per file, 3 files per group. */
const ENV = { GROUP_FILE_MAX_BYTES: String(2 * CHUNK), GROUP_FILES_QUOTA_BYTES: String(100 * CHUNK), GROUP_FILES_MAX: '3' };

interface Users {
  user(prefix: string): Promise<ParleyClient>;
}

const name = (group: string) => `g:${group}`;
const source = (group: string, uploader: string) => `g:${group}:${uploader}`;

function upload(client: ParleyClient, group: string, file: SealedFile, indexes = file.chunks.map((_, i) => i)): void {
  for (const i of indexes) client.sendRaw(Buffer.from(encodeRelayFrame(name(group), file.chunks[i]!, true)), { binary: true });
}

/** Uploads and commits: the server's answer. */
async function post(m: GroupMember, group: string, file: SealedFile) {
  upload(m.client, group, file);
  m.client.send({ t: 'group_file_commit', group, fileId: file.fileId, count: file.count });
  return m.client.next((f) => (f.t === 'group_file_stored' && f.fileId === file.fileId) || (f.t === 'error' && f.ref === file.fileId));
}

/** Fetches `from`'s copy and waits for every chunk: the opened plaintext, in order. */
async function fetchAll(m: GroupMember, group: string, from: string, file: SealedFile): Promise<Uint8Array[]> {
  const before = m.client.relayed.length;
  m.client.send({ t: 'group_file_fetch', group, from, fileId: file.fileId, next: 0 });
  for (let i = 0; i < 200 && m.client.relayed.length < before + file.count; i++) await new Promise((r) => setTimeout(r, 25));
  const got = m.client.relayed.slice(before);
  expect(got.every((r) => r.from === source(group, from))).toBe(true);
  return got.map((r) => openChunk(sodium, file.key, file.fileIdBytes, file.count, r.payload)!.plain);
}

function groupFileRules(backend: string, useUsers: () => Users): void {
  describe(`group files on ${backend}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);
    /** An owner and two members, all joined. */
    const trio = async () => {
      const owner = await member('owner');
      const [a, b] = [await member('ann'), await member('ben')];
      await makeContacts(owner.client, a.client);
      await makeContacts(owner.client, b.client);
      const group = await owner.create({ listed: false });
      await owner.addUsers(group, [a.name, b.name]);
      await a.joinFromWelcome(group);
      await b.joinFromWelcome(group);
      return { owner, a, b, group };
    };

    it('keeps one copy that every member fetches whole, under the group’s name, until the uploader releases it', async () => {
      const { owner, a, b, group } = await trio();
      const file = sealedFile(CHUNK + 10);
      expect(await post(a, group, file)).toEqual({ t: 'group_file_stored', group, fileId: file.fileId });
      for (const m of [owner, b, a]) {
        const plain = await fetchAll(m, group, a.name, file);
        expect(Buffer.concat(plain).equals(Buffer.from(file.plain))).toBe(true);
      }
      // Only the uploader's release deletes it.
      b.client.send({ t: 'group_file_release', group, fileId: file.fileId });
      await b.client.roundTrip();
      expect((await fetchAll(owner, group, a.name, file)).length).toBe(2);
      a.client.send({ t: 'group_file_release', group, fileId: file.fileId });
      await a.client.roundTrip();
      b.client.send({ t: 'group_file_fetch', group, from: a.name, fileId: file.fileId, next: 0 });
      expect((await b.client.nextError('file_not_found')).ref).toBe(file.fileId);
    });

    it('refuses outsiders, removed and muted members as group_send does; a removed member fetches no more', async () => {
      const { owner, a, b, group } = await trio();
      const outsider = await member('eve');
      const file = sealedFile(100);
      upload(outsider.client, group, file);
      expect((await outsider.client.nextError('not_member')).ref).toBe(file.fileId);
      outsider.client.send({ t: 'group_file_commit', group, fileId: file.fileId, count: 1 });
      expect((await outsider.client.nextError('not_member')).ref).toBe(file.fileId);
      // A chunk sent live (no store flag) to a group is refused: nothing is relayed to a group.
      outsider.client.sendRaw(Buffer.from(encodeRelayFrame(name(group), file.chunks[0]!, false)), { binary: true });
      await outsider.client.nextError('bad_frame');

      expect(await post(owner, group, file)).toMatchObject({ t: 'group_file_stored' });
      outsider.client.send({ t: 'group_file_fetch', group, from: owner.name, fileId: file.fileId, next: 0 });
      expect((await outsider.client.nextError('not_member')).ref).toBe(group);

      owner.client.send({ t: 'group_mute', group, user: b.name, until: Date.now() + 60_000 });
      await owner.client.roundTrip();
      const muted = sealedFile(100);
      expect(await post(b, group, muted)).toMatchObject({ t: 'error', code: 'muted' });
      // Muted, still a member: it may read what others post.
      expect((await fetchAll(b, group, owner.name, file)).length).toBe(1);

      // Only admins send: a plain member uploads nothing either.
      owner.client.send({ t: 'group_settings', group, onlyAdminsSend: true });
      await owner.client.roundTrip();
      expect(await post(a, group, sealedFile(100))).toMatchObject({ t: 'error', code: 'admins_only' });
      owner.client.send({ t: 'group_settings', group, onlyAdminsSend: false });
      await owner.client.roundTrip();

      expect(await owner.removeUsers(group, [a.name])).toMatchObject({ t: 'group_committed' });
      a.client.send({ t: 'group_file_fetch', group, from: owner.name, fileId: file.fileId, next: 0 });
      expect((await a.client.nextError('not_member')).ref).toBe(group);
      expect(await post(a, group, sealedFile(100))).toMatchObject({ t: 'error', code: 'not_member' });
    });

    it('holds each group to its per-file size and file count, with their own error codes', async () => {
      const { owner, group } = await trio();
      const big = sealedFile(2 * CHUNK + 1);
      expect(await post(owner, group, big)).toMatchObject({ t: 'error', code: 'file_too_large' });
      for (let i = 0; i < 3; i++) expect(await post(owner, group, sealedFile(10))).toMatchObject({ t: 'group_file_stored' });
      expect(await post(owner, group, sealedFile(10))).toMatchObject({ t: 'error', code: 'group_files_full' });
      // Another group has room of its own.
      const other = await owner.create({ listed: false });
      expect(await post(owner, other, sealedFile(10))).toMatchObject({ t: 'group_file_stored' });
    });

    it('deletes a group’s copies with the group', async () => {
      const { owner, a, group } = await trio();
      const file = sealedFile(10);
      expect(await post(a, group, file)).toMatchObject({ t: 'group_file_stored' });
      owner.client.send({ t: 'group_delete', group });
      await owner.client.next('group_removed');
      // A group made again under the same id (its creator chooses the id) finds nothing of the old one's.
      owner.client.send({ t: 'group_create', group, listed: false, joinPolicy: 'approval' });
      await owner.client.next((f) => f.t === 'group_created' && f.group === group);
      owner.client.send({ t: 'group_file_fetch', group, from: a.name, fileId: file.fileId, next: 0 });
      expect((await owner.client.nextError('file_not_found')).ref).toBe(file.fileId);
    });
  });
}

groupFileRules('SQLite', () => useServer({ env: ENV }));
groupFileRules('Redis', () => {
  const c = useCluster({ nodes: 1, env: ENV });
  return { user: (prefix) => c.user(0, prefix) };
});
