/** What the group store's contract suites share: ids, a new group, a commit. */
import type { GroupStore, NewGroup } from '../groups';

export const G1 = 'AAAAAAAAAAAAAAAAAAAAAA';
export const G2 = 'BBBBBBBBBBBBBBBBBBBBBA';

export const group = (id: string, owner: string, more: Partial<NewGroup> = {}): NewGroup => ({
  id,
  owner,
  listed: true,
  name: 'Hiking club',
  topic: 'trails',
  joinPolicy: 'approval',
  onlyAdminsSend: false,
  memberChats: true,
  ...more,
});

export const commit = (epoch: number, from: string, more: Partial<Parameters<GroupStore['commit']>[1]> = {}) => ({
  epoch,
  from,
  data: `commit-${epoch}`,
  ts: 1_000_000,
  adds: [],
  removes: [],
  ...more,
});
