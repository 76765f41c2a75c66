// StoredFiles.stream with a reader's right asked again before each batch (group files: a member
// removed mid-file gets nothing more), on a real SQLite store and a session that reads instantly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRelayFrame } from '../shared/relay-frames';
import type { Session } from './session';
import { StoredFiles } from './stored-files';
import { SqliteStore } from './store/sqlite/sqlite-store';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fakeSession() {
  const frames: Uint8Array[] = [];
  const session = { username: 'ann', closed: false, buffered: 0, drained: async () => {}, send: () => {}, sendBinary: (b: Uint8Array) => frames.push(b) };
  return { session: session as unknown as Session, frames };
}

async function storedFile(chunks: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-stream-'));
  dirs.push(dir);
  const store = new SqliteStore({ dataDir: dir, quotaMessages: 100, quotaBytes: 1_000_000, ttlMs: 60_000 });
  stores.push(store);
  const ref = { recipient: 'g:AAAAAAAAAAAAAAAAAAAAAA', sender: 'owner', fileId: 'a'.repeat(32) };
  await store.files.putChunks(ref, Array.from({ length: chunks }, (_, index) => ({ index, data: new Uint8Array(20).fill(index) })));
  expect(await store.files.commit(ref, chunks)).toBe(true);
  return { files: new StoredFiles(store, 1024 * 1024), ref };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('a stored file streamed while its reader may read it', () => {
  it('streams every chunk under the given name while allowed, and stops at the next batch once not', async () => {
    const { files, ref } = await storedFile(40);
    const all = fakeSession();
    await files.stream(all.session, ref, 0, ref.recipient, async () => true);
    await settle();
    expect(all.frames.map((f) => decodeRelayFrame(f)!.name)).toEqual(Array(40).fill(ref.recipient));

    let asked = 0;
    const cut = fakeSession();
    // Allowed for the first batch only: removed while it was read.
    await files.stream(cut.session, ref, 0, ref.recipient, async () => asked++ === 0);
    await settle();
    expect(cut.frames.length).toBe(16);
    expect(asked).toBe(2);
  });
});
