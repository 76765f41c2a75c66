import { describe, expect, it } from 'vitest';
import { assignLeaves } from './leaves';

describe('leaf assignment (RFC 9420 §12.1)', () => {
  it('fills the leftmost blank leaves, blanked by the same commit\'s removes first, then extends the tree', () => {
    expect(assignLeaves([0], [], 2)).toEqual([1, 2]);
    expect(assignLeaves([0, 1, 2, 3], [1], 2)).toEqual([1, 4]);
    expect(assignLeaves([0, 2, 5], [], 3)).toEqual([1, 3, 4]);
    expect(assignLeaves([0, 1], [0, 1], 1)).toEqual([0]);
    expect(assignLeaves([0], [], 0)).toEqual([]);
  });
});
