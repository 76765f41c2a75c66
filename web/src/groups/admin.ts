/**
 * The admin part of the group service (README.md in this folder, "What the UI calls"): finding and
 * joining groups, join requests and their decisions, adding and removing members, bans, mutes,
 * roles, transfer, leaving and deleting, settings, and the server's view of a group. Every change
 * of membership or roles that MLS must know of is a commit through `core.commit`, so members verify
 * it; the rest is server state, which comes back as log events (`applyEvent`). Every method rejects
 * with a ParleyError carrying the server's code.
 */
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { type GroupEvent, GroupSettings } from '../../../shared/protocol-groups';
import { GROUP_LIMITS } from '../../../shared/limits';
import { clip } from '../conversations/bodies/reply';
import { ParleyError } from '../net/parley-error';
import { AdminAnswers } from './admin-answers';
import { actRefusal, rolesAfterTransfer, rolesWithRole, settingsChange } from './admin-rules';
import { eventChange, stateChange } from './admin-view';
import type { GroupCard, GroupCore, GroupView, JoinRequestView } from './core';
import { MemberCommits } from './member-commits';
import { JoinRequests } from './requests';

type Frame<T extends ServerFrame['t']> = ServerFrameOf<T>;
const is =
  <T extends ServerFrame['t']>(t: T, group: string, more: (f: Frame<T>) => boolean = () => true) =>
  (f: ServerFrame): f is Frame<T> =>
    f.t === t && (f as { group?: string }).group === group && more(f as Frame<T>);

export class GroupAdmin extends EventTarget {
  readonly #requests = new JoinRequests();
  readonly #bans = new Map<string, string[]>();

  readonly #commits: MemberCommits;
  readonly #answers: AdminAnswers;

  constructor(private readonly core: GroupCore) {
    super();
    this.#commits = new MemberCommits(core);
    this.#answers = new AdminAnswers(core);
  }

  /**
   * The group frames that are this part's news, as core hands them over (after any ask they
   * answer), in the frames' order: join requests pushed live or at login, decisions by any admin,
   * the server's state of a group, and the login's list (a group where this user is a plain
   * member now has no requests to show here).
   */
  async onFrame(f: ServerFrame): Promise<void> {
    switch (f.t) {
      case 'group_request':
        return this.#changed(this.#requests.add({ group: f.group, user: f.user, identityKey: f.identityKey, ...(f.approved ? { approved: f.approved } : {}) }));
      case 'group_decided':
        // To the requester, about their own request: declined (an accepted one arrives as the group itself).
        if (f.user === this.core.me && !f.accept) this.dispatchEvent(new CustomEvent<string>('declined', { detail: f.group }));
        return this.#changed(this.#requests.drop(f.group, f.user));
      case 'group_state':
        return this.#applyState(f);
      case 'group_list':
        for (const g of f.groups) if (g.role === 'member') this.#changed(this.#requests.clear(g.group));
        return;
      default:
        return;
    }
  }

  // ---- finding and joining ----

  /** Listed groups whose name contains `q`. */
  async search(q: string): Promise<GroupCard[]> {
    // As the server reads it (trimmed, at most its length), so its echo of `q` matches.
    const text = clip(q.trim(), GROUP_LIMITS.maxGroupSearchChars).trim();
    if (text === '') return [];
    const answer = (f: ServerFrame): f is Frame<'group_results'> => f.t === 'group_results' && f.q === text;
    const results = await this.core.ask({ t: 'group_search', q: text }, answer, ['group_search', text]);
    return results.groups.map((g) => ({ ...g }));
  }

  /** Asks to join `id`; resolves once the server stored the request. */
  async requestJoin(id: string): Promise<void> {
    await this.core.ask({ t: 'group_join_request', group: id }, is('group_requested', id), [id]);
  }

  // ---- join requests ----

  /** Pending requests of `id` (or of every group this device administers). */
  requests(id?: string): JoinRequestView[] {
    // A group this device is out of has no requests for it to decide.
    return this.#requests.list(id).filter((r) => !this.core.view(r.group)?.removed);
  }

  /** Users banned from `id`, as the last `group_state` told (owners and admins only). */
  bans(id: string): string[] {
    return [...(this.#bans.get(id) ?? [])];
  }

  /**
   * Accepts (approves, then adds with one commit and sends the card) or declines `user`'s request.
   * The approval is the server's before the add is tried: when the add fails, the request is listed
   * again as approved, and accepting it again only adds.
   */
  async decide(id: string, user: string, accept: boolean): Promise<void> {
    const request = this.#requests.list(id).find((r) => r.user === user);
    if (!(accept && request?.approved)) {
      await this.core.ask({ t: 'group_decide', group: id, user, accept }, is('group_decided', id, (f) => f.user === user), [id, user]);
    }
    this.#changed(this.#requests.drop(id, user));
    if (!accept) return;
    try {
      await this.#commits.add(id, [user]);
    } catch (err) {
      if (request) this.#changed(this.#requests.add({ ...request, approved: true }));
      throw err;
    }
  }

  // ---- members ----

  /** Adds contacts (or approved users) directly: one KeyPackage each, one Add commit, then the card. */
  async addMembers(id: string, users: readonly string[]): Promise<void> {
    const unique = [...new Set(users)];
    if (unique.length === 0) return;
    await this.#commits.add(id, unique);
  }

  /** Commits the Remove of `user`; the server cuts them off as it accepts it. */
  async remove(id: string, user: string): Promise<void> {
    this.#mayActOn(id, user);
    await this.#commits.remove(id, user);
    const view = this.core.view(id);
    if (view?.members) await this.core.patch(id, { members: view.members.filter((m) => m.user !== user) });
  }

  /** Bans `user` (cut off at once if a member; the Remove follows from the owner's device). */
  async ban(id: string, user: string): Promise<void> {
    await this.#act(id, { t: 'group_ban', group: id, user }, [id, user], (e) => e.t === 'ban' && e.user === user);
  }

  /** Lifts a ban; one already lifted (`not_banned`: another admin was first) is as good. */
  async unban(id: string, user: string): Promise<void> {
    try {
      await this.#act(id, { t: 'group_unban', group: id, user }, [id, user], (e) => e.t === 'unban' && e.user === user);
    } catch (err) {
      if (!(err instanceof ParleyError && err.code === 'not_banned')) throw err;
    }
    this.#trackBan(id, user, false);
  }

  /** Mutes `user` until `until` (ms; MUTE_FOREVER for "until unmuted"), or unmutes with null. */
  async mute(id: string, user: string, until: number | null): Promise<void> {
    await this.#act(id, { t: 'group_mute', group: id, user, until }, [id, user], (e) => e.t === 'mute' && e.user === user);
  }

  /**
   * The owner makes `user` an admin or a member. Roles change only by the roles commit (review
   * H3): the server takes them from it, with the commit, and logs a `role` event after it.
   */
  async setRole(id: string, user: string, role: 'admin' | 'member'): Promise<void> {
    await this.#commits.roles(id, (roles) => rolesWithRole(roles, user, role));
    await this.#shown(id, { t: 'role', user, role });
  }

  /** The owner hands the group to `user`: one roles commit (the server's `transfer` event follows it). */
  async transfer(id: string, user: string): Promise<void> {
    if (this.core.view(id)?.role !== 'owner') throw new ParleyError('not_owner');
    await this.#commits.roles(id, (roles) => rolesAfterTransfer(roles, user));
    await this.#shown(id, { t: 'transfer', user });
  }

  /** Leaves `id` (the owner only after a transfer); the server cuts this device off at once. */
  async leave(id: string): Promise<void> {
    await this.#answers.removal(id, { t: 'group_leave', group: id }, 'left');
    // Core marks the view on `group_removed` too; marked here as well, so it is so when this resolves.
    await this.core.patch(id, { removed: 'left' });
    this.#changed(this.#requests.clear(id));
  }

  /** The owner ends the group for everyone. */
  async deleteGroup(id: string): Promise<void> {
    await this.#answers.removal(id, { t: 'group_delete', group: id }, 'deleted');
    await this.core.patch(id, { removed: 'deleted' });
    this.#changed(this.#requests.clear(id));
  }

  /** Changes settings; a new name or topic is also sent sealed in the group (the card), as the server keeps it only for listed groups. */
  async updateSettings(id: string, change: Partial<GroupSettings>): Promise<void> {
    const view = this.core.view(id);
    if (!view || view.removed) throw new ParleyError(view ? 'not_member' : 'unknown_group');
    if (view.role === 'member') throw new ParleyError('not_admin');
    if (!GroupSettings.partial().safeParse(change).success) throw new ParleyError('bad_frame');
    const { name, topic } = change;
    const { toServer, renamed } = settingsChange(view, change);
    if (Object.keys(toServer).length > 0) await this.#act(id, { t: 'group_settings', group: id, ...toServer }, [id], (e) => e.t === 'settings');
    if (!renamed) return;
    const now = this.core.view(id) ?? view;
    await this.core.patch(id, {
      ...(name !== undefined ? { name } : {}),
      ...(topic !== undefined ? { topic } : {}),
      settings: { ...now.settings, ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}) },
    });
    await this.core.sendCard(id);
  }

  /** Asks the server for the group's state: members, roles, mutes, settings; requests and bans for admins. */
  async refresh(id: string): Promise<void> {
    await this.#applyState(await this.#info(id));
  }

  // ---- the log's events (called by core for each `event` entry, in order) ----

  /**
   * Mirrors a server-state change in the view; on `left` / `ban` the member chosen by
   * `removalCommitter` commits the Remove of that leaf. The commit is not awaited: it runs in the
   * group's line, which is busy with this very entry.
   */
  async applyEvent(held: GroupView, event: GroupEvent, _seq: number): Promise<void> {
    const group = held.id;
    // The view as it is now (an earlier patch of this part may be newer than the one handed in).
    const view = this.core.view(group) ?? held;
    if (event.t === 'ban' || event.t === 'unban') this.#trackBan(group, event.user, event.t === 'ban');
    if (event.t === 'ban') this.#changed(this.#requests.drop(group, event.user));
    const change = eventChange(view, event, this.core.me);
    if (change) await this.core.patch(group, change);
    if (event.t === 'left' || event.t === 'ban') void this.#commits.removeGone(group, event.user);
    if (event.t === 'role' && event.user === this.core.me && event.role === 'member') this.#changed(this.#requests.clear(group));
    this.#answers.applied(group, event);
  }

  // ---- inside ----

  /** An admin frame answered by its event; the view shows the change once this resolves. */
  async #act(id: string, frame: ClientFrame, refs: readonly string[], made: (e: GroupEvent) => boolean): Promise<void> {
    const event = await this.#answers.act(id, frame, refs, made);
    const view = this.core.view(id);
    const change = view && eventChange(view, event, this.core.me);
    if (change) await this.core.patch(id, change);
    if (event.t === 'ban') this.#trackBan(id, event.user, true);
  }

  /** The view as `event` leaves it, once a commit made it so (the server's own event, later, changes nothing more). */
  async #shown(id: string, event: GroupEvent): Promise<void> {
    const view = this.core.view(id);
    const change = view && eventChange(view, event, this.core.me);
    if (change) await this.core.patch(id, change);
  }

  #info(id: string, refs: readonly string[] = [id]): Promise<Frame<'group_state'>> {
    return this.core.ask({ t: 'group_info', group: id }, is('group_state', id), refs);
  }

  async #applyState(state: Frame<'group_state'>): Promise<void> {
    const view = this.core.view(state.group);
    if (!view) return;
    const change = stateChange(view, state, this.core.me);
    await this.core.patch(state.group, change);
    if (change.role === 'member') {
      this.#bans.delete(state.group);
      this.#changed(this.#requests.clear(state.group));
      return;
    }
    if (state.bans) this.#bans.set(state.group, [...state.bans].sort());
    if (state.requests) this.#changed(this.#requests.replace(state.group, state.requests));
  }

  /** Refuses before building what this device's MLS state would refuse, with the server's code for it. */
  #mayActOn(id: string, user: string): void {
    const view = this.core.view(id);
    if (!view || view.removed) throw new ParleyError(view ? 'not_member' : 'unknown_group');
    // A target missing from the view may have joined since the last state: the MLS state decides (member-commits.ts).
    const target = view.members?.find((m) => m.user === user);
    const why = actRefusal(view.role, target?.role);
    if (why) throw new ParleyError(why);
  }

  #trackBan(group: string, user: string, banned: boolean): void {
    const list = (this.#bans.get(group) ?? []).filter((u) => u !== user);
    this.#bans.set(group, banned ? [...list, user].sort() : list);
  }

  #changed(changed: boolean): void {
    if (changed) this.dispatchEvent(new CustomEvent('requests'));
  }
}
