/**
 * Pending join requests as this owner or admin knows them: pushed live (`group_request`), at login
 * after the group list, and all at once in `group_state`; forgotten once decided (`group_decided`,
 * by this admin or another) or when the group is left. An approval whose add failed is listed again
 * (`approved`), by this device at once and by the server at login and in `group_state`. Each change says whether anything changed,
 * so the service raises its `requests` event only when the list the UI shows is different.
 */
import type { JoinRequestView } from './core';

export class JoinRequests {
  /** Per group, by requester, in arrival order. */
  readonly #byGroup = new Map<string, Map<string, JoinRequestView>>();

  /** A request arrived; false when it was known already (asking twice is answered, not pushed). */
  add(request: JoinRequestView): boolean {
    let pending = this.#byGroup.get(request.group);
    if (!pending) this.#byGroup.set(request.group, (pending = new Map()));
    const known = pending.get(request.user);
    if (known && known.identityKey === request.identityKey && known.approved === request.approved) return false;
    pending.set(request.user, { ...request });
    return true;
  }

  /** The request of `user` was decided (or can no longer be): false when none was pending. */
  drop(group: string, user: string): boolean {
    const pending = this.#byGroup.get(group);
    if (!pending?.delete(user)) return false;
    if (pending.size === 0) this.#byGroup.delete(group);
    return true;
  }

  /** The whole pending list of `group`, as `group_state` tells it; false when it was the same. */
  replace(group: string, requests: readonly Omit<JoinRequestView, 'group'>[]): boolean {
    const key = (list: readonly Omit<JoinRequestView, 'group'>[]) => list.map((r) => `${r.user} ${r.identityKey} ${r.approved ?? ''}`).sort().join('\n');
    const before = key(this.list(group));
    const next = new Map(requests.map((r) => [r.user, { group, user: r.user, identityKey: r.identityKey, ...(r.approved ? { approved: r.approved } : {}) }]));
    if (next.size === 0) this.#byGroup.delete(group);
    else this.#byGroup.set(group, next);
    return before !== key(this.list(group));
  }

  /** Forgets every request of `group` (this device left it, or is no longer an admin there). */
  clear(group: string): boolean {
    return this.#byGroup.delete(group);
  }

  /** Pending requests of `group`, or of every group; each group's in arrival order. */
  list(group?: string): JoinRequestView[] {
    if (group !== undefined) return [...(this.#byGroup.get(group)?.values() ?? [])].map((r) => ({ ...r }));
    return [...this.#byGroup.values()].flatMap((pending) => [...pending.values()].map((r) => ({ ...r })));
  }
}
