/**
 * The faces between the group service's parts (README.md in this folder): what the core offers
 * the admin part (`GroupCore`), and what the UI reads of a group (`GroupView`). Types only.
 */
import type { ClientFrame, ServerFrame } from '../../../shared/protocol';
import type { GroupRemovedReason, GroupRole, GroupSettings, JoinPolicy } from '../../../shared/protocol-groups';
import type { CommitResult, Group } from '../../../shared/groups/index';
import type { ConversationId } from '../storage/db';

export interface MemberView {
  user: string;
  role: GroupRole;
  /** ms; absent when not muted. `Infinity` is not sent: "until unmuted" is a far time (MUTE_FOREVER). */
  mutedUntil?: number;
}

/** "Until unmuted": the server takes a time; this one is far enough (year 9999). */
export const MUTE_FOREVER = 253_402_300_799_000;

export interface GroupView {
  id: string;
  conv: ConversationId;
  /** From the sealed card (or the directory for a listed group); the id's start until one arrives. */
  name: string;
  topic?: string;
  role: GroupRole;
  settings: GroupSettings;
  /** Last known from `group_state` and the log's events (absent until the first `group_state`). */
  members?: MemberView[];
  /** Set once this device is out of the group (it stays in the list, read-only). */
  removed?: GroupRemovedReason;
  /** When this device joined (ms): "You see messages from the time you joined." */
  joinedAt: number;
}

export interface JoinRequestView {
  group: string;
  user: string;
  identityKey: string;
  /** Approved, but no commit added them yet (the add failed): approving again only adds. */
  approved?: true;
}

export interface GroupCard {
  group: string;
  name: string;
  topic: string;
  members: number;
}

export interface NewGroup {
  name: string;
  topic?: string;
  listed: boolean;
  joinPolicy?: JoinPolicy;
}

/** What the core part offers the admin part. */
export interface GroupCore {
  /** This device's username. */
  readonly me: string;
  view(id: string): GroupView | undefined;
  /** Sends a frame; false when offline. */
  send(frame: ClientFrame): boolean;
  /**
   * Sends `frame` and resolves with the first server frame `answer` accepts, or rejects with a
   * ParleyError for an error frame about it (its `ref` is the group, user or id in `refs`), or
   * `unavailable` after a timeout / when offline.
   */
  ask<F extends ServerFrame>(frame: ClientFrame, answer: (f: ServerFrame) => f is F, refs: readonly string[]): Promise<F>;
  /** Builds a commit from the group's current state in its line, sends it, adopts it (see README). */
  commit(id: string, build: (group: Group) => Promise<CommitResult>): Promise<void>;
  /** Sends the sealed card (name, topic) in the group (after an Add, on a rename). */
  sendCard(id: string): Promise<void>;
  /** Changes what the view shows (members, settings, role, name) and tells the UI. */
  patch(id: string, change: Partial<Omit<GroupView, 'id' | 'conv'>>): Promise<void>;
}

/** Raised by `Groups` (an EventTarget): `groups` when the list or any view changed (detail: group id or undefined). */
export type GroupsEventName = 'groups' | 'requests';
