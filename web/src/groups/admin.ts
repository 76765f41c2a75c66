/**
 * Placeholder until the admin engineer's GroupAdmin lands (they replace this file): the hooks the
 * core calls, doing nothing yet.
 */
import type { ServerFrame } from '../../../shared/protocol';
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

  /**
   * The server's group frames that are the admin part's news, pushed or answered (`group_request`,
   * `group_decided`, `group_requested`, `group_state`, `group_results`, `kp_claimed`, `group_list`),
   * in the frames' order, awaited there (it must not wait for a group's line). `ask` answers are
   * settled before this is called.
   */
  onFrame(_frame: ServerFrame): void | Promise<void> {}
}
