/**
 * Group files (issue 12) on the file store: a copy kept for a group (its recipient a name no user
 * can take, see signaling/groups/group-files.ts) is held to bounds given per call, and a deleted
 * group's copies all go at once. The rest is the stored-files contract (files.ts).
 */
import { describe, expect, it } from 'vitest';
import type { FileLimits, StoredFileRef } from '../file-store';
import type { ContractContext } from './harness';

const group = 'g:AAAAAAAAAAAAAAAAAAAAAA';
const ref = (sender: string, n: number, recipient = group): StoredFileRef => ({ recipient, sender, fileId: String(n).padStart(32, '0') });
const chunk = (index: number, bytes = 100) => ({ index, data: new Uint8Array(bytes).fill(index) });
const limits: FileLimits = { fileMaxBytes: 1000, quotaBytes: 3000, filesPerRecipient: 3, ttlMs: 500 };

export function groupFilesContract(c: ContractContext): void {
  describe('group files on the file store', () => {
    it('holds a call to the limits it gives, not the store’s, and expires with their lifetime', async () => {
      const { files } = await c.open({ ttlMs: 60_000 });
      // Within the store's own 25 MiB per file, over the group's 1000 bytes.
      expect(await files.putChunks(ref('alice', 0), [chunk(0, 1500)], limits)).toBe('too_large');
      // As StoredFiles does with a refused upload (SQLite keeps its empty row until then).
      await files.remove(ref('alice', 0));
      expect(await files.putChunks(ref('alice', 1), [chunk(0, 900)], limits)).toBe('stored');
      expect(await files.putChunks(ref('bob', 2), [chunk(0, 900)], limits)).toBe('stored');
      // Bytes from every sender count against the group: 900 + 900 + 100 and 512 per file > 3000.
      expect(await files.putChunks(ref('carol', 3), [chunk(0, 100)], limits)).toBe('full');
      await files.remove(ref('carol', 3));
      expect(await files.commit(ref('alice', 1), 1)).toBe(true);
      c.clock.now += 500;
      expect(await files.isComplete(ref('alice', 1))).toBe(false);
      expect(await files.sweepExpired(c.clock.now, 10)).toBe(2);
    });

    it('counts files per group as the limits say', async () => {
      const { files } = await c.open();
      const many = { ...limits, quotaBytes: 1_000_000 };
      for (let n = 0; n < 3; n++) expect(await files.putChunks(ref('alice', n), [chunk(0, 10)], many)).toBe('stored');
      expect(await files.putChunks(ref('alice', 9), [chunk(0, 10)], many)).toBe('full');
    });

    it('removes every copy kept for one recipient, from every sender, and nobody else’s', async () => {
      const { files } = await c.open();
      const other = ref('alice', 7, 'g:BBBBBBBBBBBBBBBBBBBBBB');
      await files.putChunks(ref('alice', 1), [chunk(0)], limits);
      await files.putChunks(ref('bob', 2), [chunk(0), chunk(1)], limits);
      expect(await files.commit(ref('bob', 2), 2)).toBe(true);
      await files.putChunks(other, [chunk(0)], limits);
      expect(await files.commit(other, 1)).toBe(true);
      expect(await files.removeRecipient(group)).toBe(2);
      expect(await files.chunks(ref('bob', 2), 0, 10)).toEqual([]);
      expect(await files.isComplete(ref('bob', 2))).toBe(false);
      expect(await files.isComplete(other)).toBe(true);
      // The group's room is free again.
      expect(await files.putChunks(ref('carol', 3), [chunk(0, 900)], limits)).toBe('stored');
    });
  });
}
