/**
 * Member chats on Redis (GroupStore.sharesChatGroup): whether two users are both active members
 * of a group with `memberChats` on. The two users' group indexes (`ug:{user}`, each at most
 * MAX_GROUPS_PER_USER ids) are intersected here rather than with ZINTER, which a cluster refuses
 * across two users' slots; then each common group's own hashes decide (the index may be one
 * change behind the group, README.md): its flag and both members' `active`. Asked only for a
 * non-contact (contacts take policy.ts's fast path), so its few round trips do not slow a contact's send.
 */
import { groupKeys as k } from './redis-group-keys';

type Cmd = <T>(args: string[]) => Promise<T>;

export async function sharesChatGroup(cmd: Cmd, a: string, b: string): Promise<boolean> {
  if (a === b) return false;
  const [ofA, ofB] = await Promise.all([cmd<string[]>(['ZRANGE', k.userGroups(a), '0', '-1']), cmd<string[]>(['ZRANGE', k.userGroups(b), '0', '-1'])]);
  const theirs = new Set(ofB);
  const common = ofA.filter((g) => theirs.has(g));
  const checks = await Promise.all(
    common.map(async (g) => {
      const [flag, rows] = await Promise.all([cmd<string | null>(['HGET', k.group(g), 'memberChats']), cmd<(string | null)[]>(['HMGET', k.members(g), a, b])]);
      return flag === '1' && rows.every((r) => r !== null && (JSON.parse(r) as { active?: boolean }).active === true);
    }),
  );
  return checks.includes(true);
}
