/**
 * Who may come into a group on SQLite (see ../groups.ts): pending join requests, approvals and
 * bans. Kept apart from sqlite-groups.ts because none of it touches the log or the epoch; it
 * shares that store's prepared statements, since a commit also reads bans and drops requests.
 */
import type Database from 'better-sqlite3';
import type { GroupStoreLimits, JoinRequestResult } from '../groups';
import type { GroupStatements } from './sqlite-group-statements';

export class SqliteGroupAdmission {
  constructor(
    private readonly db: Database.Database,
    private readonly q: GroupStatements,
    private readonly opts: Pick<GroupStoreLimits, 'requestsMax' | 'requestTtlMs' | 'now'>,
  ) {}

  async addRequest(id: string, user: string): Promise<JoinRequestResult> {
    return this.db.transaction((): JoinRequestResult => {
      // Requests older than their lifetime give their slot back first (review M7: slots squatted for good).
      if (this.q.countRequests.get(id)!.n >= this.opts.requestsMax) this.q.expireRequests.run(id, this.opts.now() - this.opts.requestTtlMs);
      if (this.q.request.get(id, user)) return 'exists';
      if (this.q.countRequests.get(id)!.n >= this.opts.requestsMax) return 'full';
      this.q.insertRequest.run(id, user, this.opts.now());
      return 'added';
    })();
  }

  async requests(id: string): Promise<string[]> {
    return this.q.requests.all(id).map((r) => r.user);
  }

  async approvals(id: string): Promise<string[]> {
    return this.q.approvals.all(id).map((r) => r.user);
  }

  async decide(id: string, user: string, accept: boolean): Promise<boolean> {
    const pending = this.q.request.get(id, user);
    // A decline also withdraws an approval not yet used (the user never came to be added).
    if (!pending || (pending.approved === 1 && accept)) return false;
    if (accept) this.q.approve.run(id, user);
    else this.q.dropRequest.run(id, user);
    return true;
  }

  async isApproved(id: string, user: string): Promise<boolean> {
    return this.q.request.get(id, user)?.approved === 1;
  }

  async ban(id: string, user: string): Promise<void> {
    this.db.transaction(() => {
      this.q.ban.run(id, user, this.opts.now());
      this.q.dropRequest.run(id, user);
    })();
  }

  async unban(id: string, user: string): Promise<void> {
    this.q.unban.run(id, user);
  }

  async isBanned(id: string, user: string): Promise<boolean> {
    return this.q.banned.get(id, user) !== undefined;
  }

  async bans(id: string): Promise<string[]> {
    return this.q.bans.all(id).map((r) => r.user);
  }
}
