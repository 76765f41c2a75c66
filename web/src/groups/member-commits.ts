/**
 * The admin part's MLS commits, each built from the group's state in its line (`core.commit`) so
 * members verify it against the same epoch: an Add of claimed KeyPackages (then the card), a
 * Remove, a roles change, and the Remove of a member who left or was banned, made by the one
 * member `removalCommitter` names. A build that finds nothing to do (someone else did it) commits
 * nothing; one MLS would refuse here is refused with the server's code for it.
 */
import type { ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { type CommitResult, type Group, type Roles, add, fromBase64Url, isGroupError, members, remove, roleIn, rolesOf, setRoles } from '../../../shared/groups/index';
import { ParleyError } from '../net/parley-error';
import { actRefusal, removalCommitter, rolesWithRole } from './admin-rules';
import type { GroupCore } from './core';

/** Thrown from a commit's build when the state shows there is nothing to commit. */
class NothingToCommit extends Error {}

export class MemberCommits {
  constructor(private readonly core: GroupCore) {}

  /** Claims one KeyPackage per user, commits their Add in one commit, then sends the card so they see the group's name. */
  async add(id: string, users: string[]): Promise<void> {
    const claimed = (f: ServerFrame): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed' && f.group === id;
    const kps = (await this.core.ask({ t: 'kp_claim', group: id, users }, claimed, [id, ...users])).kps.map((k) => fromBase64Url(k.kp));
    await this.core.commit(id, async (g) => {
      try {
        return await add(g, kps);
      } catch (err) {
        // A key package whose key is not the one this device pinned for that user (a contact's, or the first seen).
        if (isGroupError(err) && err.code === 'unauthenticated') throw new ParleyError('untrusted', users.length === 1 ? { peer: users[0]! } : {});
        if (isGroupError(err) && err.code === 'forbidden') throw new ParleyError('not_admin');
        throw err;
      }
    });
    await this.core.sendCard(id);
  }

  /** Commits the Remove of `user`, checked against the roles of the epoch it is built on. */
  async remove(id: string, user: string): Promise<void> {
    await this.core.commit(id, async (g) => {
      if (!members(g).some((m) => m.username === user)) throw new ParleyError('not_member');
      const why = actRefusal(roleIn(g, this.core.me), roleIn(g, user));
      if (why) throw new ParleyError(why);
      return remove(g, [user]);
    });
    await this.dropAdmin(id, user);
  }

  /** The roles commit (the owner only); nothing when `next` says the roles are already so. */
  async roles(id: string, next: (roles: Roles) => Roles | undefined): Promise<void> {
    await this.#unlessDone(id, async (g) => {
      const roles = next(rolesOf(g));
      if (!roles) throw new NothingToCommit();
      // Refused here as members would refuse it: the owner must be a member, and only the owner changes roles.
      if (!members(g).some((m) => m.username === roles.owner)) throw new ParleyError('not_member');
      if (roleIn(g, this.core.me) !== 'owner') throw new ParleyError('not_owner');
      return setRoles(g, roles);
    });
  }

  /**
   * A member who is gone keeps no admin role in the MLS state, so a later return (added again as a
   * plain member) does not bring back rights the server no longer grants. Only the owner commits roles.
   */
  async dropAdmin(id: string, user: string): Promise<void> {
    if (this.core.view(id)?.role !== 'owner') return;
    await this.roles(id, (roles) => (roles.owner === this.core.me ? rolesWithRole(roles, user, 'member') : undefined));
  }

  /** Commits the Remove of `user`, who left or was banned, if this device is the one to (admin-rules.ts). */
  async removeGone(id: string, user: string): Promise<void> {
    try {
      await this.#unlessDone(id, (g) => {
        const names = members(g).map((m) => m.username);
        // Not in the MLS group (banned before joining, or removed already), or another member's to do.
        if (!names.includes(user) || removalCommitter(rolesOf(g), names, user) !== this.core.me) throw new NothingToCommit();
        return remove(g, [user]);
      });
      await this.dropAdmin(id, user);
    } catch (err) {
      // The server routes nothing to that leaf already; it stays in the tree until a later removal commit.
      console.error(`parley: could not commit the removal of ${user}, who left group ${id}`, err);
    }
  }

  async #unlessDone(id: string, build: (g: Group) => Promise<CommitResult>): Promise<void> {
    try {
      await this.core.commit(id, build);
    } catch (err) {
      if (err instanceof NothingToCommit) return;
      throw err;
    }
  }
}
