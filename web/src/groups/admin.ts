/**
 * Placeholder until the admin engineer's GroupAdmin lands (they replace this file): the hooks the
 * core calls, doing nothing yet.
 */
import type { GroupEvent } from '../../../shared/protocol-groups';
import type { GroupCore, GroupView } from './core';

export class GroupAdmin extends EventTarget {
  constructor(readonly core: GroupCore) {
    super();
  }

  /**
   * A server-state event from the group's log (mute, role, settings, ban, left…), in order, from
   * the group's line. Not awaited there: a commit started here (core.commit) queues behind the
   * entry; `patch` saves and tells the UI by itself.
   */
  applyEvent(_group: GroupView, _event: GroupEvent, _seq: number): void | Promise<void> {}
}
