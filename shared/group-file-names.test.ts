import { describe, expect, it } from 'vitest';
import { groupSourceName, groupUploadName, parseGroupFileName } from './group-file-names';

const group = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('group file names', () => {
  it('reads back what it writes, and takes nothing a user could be called or a malformed group', () => {
    expect(parseGroupFileName(groupUploadName(group))).toEqual({ group });
    expect(parseGroupFileName(groupSourceName(group, 'ann'))).toEqual({ group, uploader: 'ann' });
    for (const bad of ['ann', 'g:', 'g:short', `g:${group}:`, `g:${group}:Ann`, `g:${group}:ann:x`, `g:${group}x`, `x:${group}`]) {
      expect(parseGroupFileName(bad), bad).toBeUndefined();
    }
  });
});
