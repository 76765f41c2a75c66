import { describe, expect, it } from 'vitest';
import type { StoredFileRef } from '../file-store';
import type { ContractContext } from './harness';

const ref: StoredFileRef = { recipient: 'bob', sender: 'alice', fileId: '0'.repeat(32) };
const chunk = (index: number, bytes = 100) => ({ index, data: new Uint8Array(bytes).fill(index) });

export function filesContract(c: ContractContext): void {
  describe('stored files', () => {
    it('is fetchable only once committed with every chunk, reads in order from any chunk, and forgets on remove', async () => {
      const { files } = await c.open();
      expect(await files.putChunks(ref, [chunk(0), chunk(2)])).toBe('stored');
      expect(await files.commit(ref, 3)).toBe(false); // chunk 1 missing
      expect(await files.isComplete(ref)).toBe(false);
      expect(await files.putChunks(ref, [chunk(1), chunk(1)])).toBe('stored'); // a chunk sent again replaces itself
      expect(await files.commit(ref, 2)).toBe(false); // more chunks than the count
      expect(await files.commit(ref, 3)).toBe(true);
      expect(await files.isComplete(ref)).toBe(true);
      expect((await files.chunks(ref, 0, 10)).map((x) => [x.index, x.data[0]])).toEqual([
        [0, 0],
        [1, 1],
        [2, 2],
      ]);
      expect((await files.chunks(ref, 1, 1)).map((x) => x.index)).toEqual([1]);
      expect(await files.isComplete({ ...ref, sender: 'carol' })).toBe(false);
      await files.remove(ref);
      expect(await files.isComplete(ref)).toBe(false);
      expect(await files.chunks(ref, 0, 10)).toEqual([]);
    });

    it('refuses a file past the per-file limit and past the recipient\'s quota', async () => {
      const { files } = await c.open({ fileMaxBytes: 1000, filesQuotaBytes: 1500 });
      expect(await files.putChunks(ref, [chunk(0, 20_000)])).toBe('too_large');
      const other = (n: number): StoredFileRef => ({ ...ref, fileId: String(n).padStart(32, '0') });
      let refused = '';
      for (let n = 1; n < 100 && !refused; n++) {
        const result = await files.putChunks(other(n), [chunk(0, 500)]);
        if (result !== 'stored') refused = result;
      }
      expect(refused).toBe('full');
      // Another recipient has a quota of their own.
      expect(await files.putChunks({ ...ref, recipient: 'carol' }, [chunk(0, 500)])).toBe('stored');
    });

    it('sweeps files never committed, and files past their time', async () => {
      const { files } = await c.open({ ttlMs: 1000 });
      const done = { ...ref, fileId: 'f'.repeat(32) };
      await files.putChunks(ref, [chunk(0)]);
      await files.putChunks(done, [chunk(0)]);
      expect(await files.commit(done, 1)).toBe(true);
      expect(await files.sweepIncomplete()).toBe(1);
      expect(await files.chunks(ref, 0, 10)).toEqual([]);
      expect(await files.isComplete(done)).toBe(true);
      c.clock.now += 1000;
      expect(await files.isComplete(done)).toBe(false);
      expect(await files.sweepExpired(c.clock.now, 10)).toBe(1);
      expect(await files.chunks(done, 0, 10)).toEqual([]);
    });
  });
}
