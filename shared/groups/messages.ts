/**
 * Application messages out (encrypt) and everything in (process): an application message with
 * its sender's username, or a commit checked against the roles policy before it changes anything.
 */
import {
  type ClientState,
  type PrivateMessage,
  type PublicMessage,
  createApplicationMessage,
  emptyPskIndex,
  processPublicMessage,
} from 'ts-mls';
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { bytesEqual, decodeMessage, encodeMessage, usernameOf } from './codec';
import { settle, withAuth } from './env';
import { GroupError, wrapMls } from './errors';
import { type Group, policyView } from './group';
import { MLS_LIMITS } from './limits';
import { type PolicyView, type ProposalFrom, refusal } from './policy';
import { type Roles, rolesFrom } from './roles';

export type GroupEvent =
  | { kind: 'message'; epoch: number; sender: string; data: Uint8Array }
  | {
      kind: 'commit';
      /** The epoch the group is in after the commit. */
      epoch: number;
      sender: string;
      adds: string[];
      removes: string[];
      /** The roles the commit set, when it changed them. */
      roles?: Roles;
      /** True when the commit removed this member: the group can no longer be read or written. */
      removedSelf: boolean;
    };

export interface Processed {
  group: Group;
  event: GroupEvent;
  /** Secrets to wipe() once the new state is stored. */
  consumed: Uint8Array[];
}

export interface Encrypted {
  group: Group;
  /** An encoded MLSMessage (PrivateMessage), for `group_send`. */
  message: Uint8Array;
  consumed: Uint8Array[];
}

function checkActive(group: Group): void {
  if (group.state.groupActiveState.kind !== 'active') throw new GroupError('removed', 'this member is no longer in the group');
}

/** Encrypts `data` to the group's current epoch. */
export async function encrypt(group: Group, data: Uint8Array): Promise<Encrypted> {
  checkActive(group);
  if (data.length > MLS_LIMITS.maxPlaintextBytes) throw new GroupError('bad_request', `message over ${MLS_LIMITS.maxPlaintextBytes} bytes`);
  const out = await wrapMls('crypto', 'encrypt', () => createApplicationMessage(group.state, data, group.env.suite.impl));
  return {
    group: { env: group.env, state: out.newState },
    message: encodeMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: out.privateMessage }),
    consumed: out.consumed,
  };
}

/** Reads an application message of this epoch or of one of the past epochs ts-mls keeps keys for. */
async function readApplication(group: Group, pm: PrivateMessage): Promise<Processed> {
  const { state, env } = group;
  if (pm.contentType !== 'application') throw new GroupError('unsupported', `a ${pm.contentType} as a private message`);
  const current = state.groupContext.epoch;
  if (pm.epoch > current) throw new GroupError('wrong_epoch', `message of epoch ${pm.epoch}, this state is at ${current}`);
  const past = pm.epoch < current ? state.historicalReceiverData.get(pm.epoch) : undefined;
  if (pm.epoch < current && !past) throw new GroupError('wrong_epoch', `no keys left for epoch ${pm.epoch}`);
  const epoch = past ?? { senderDataSecret: state.keySchedule.senderDataSecret, secretTree: state.secretTree, ratchetTree: state.ratchetTree, groupContext: state.groupContext };
  const result = await wrapMls('crypto', 'decrypt', () =>
    unprotectPrivateMessage(epoch.senderDataSecret, pm, epoch.secretTree, epoch.ratchetTree, epoch.groupContext, state.clientConfig.keyRetentionConfig, env.suite.impl),
  );
  const { content } = result.content;
  if (content.contentType !== 'application' || content.sender.senderType !== 'member') {
    throw new GroupError('unsupported', 'private message that is not an application message from a member');
  }
  const sender = policyView({ ...state, ratchetTree: epoch.ratchetTree }).usernameAt(content.sender.leafIndex);
  if (sender === undefined) throw new GroupError('crypto', 'application message from a blank leaf');
  const next: ClientState = past
    ? { ...state, historicalReceiverData: new Map(state.historicalReceiverData).set(pm.epoch, { ...past, secretTree: result.tree }) }
    : { ...state, secretTree: result.tree };
  return { group: { env, state: next }, event: { kind: 'message', epoch: Number(pm.epoch), sender, data: content.applicationData }, consumed: result.consumed };
}

function commitEvent(view: PolicyView, committer: number, seen: readonly ProposalFrom[], after: ClientState): GroupEvent {
  const adds: string[] = [];
  const removes: string[] = [];
  let roles: Roles | undefined;
  for (const { proposal } of seen) {
    if (proposal.proposalType === 'add') adds.push(usernameOf(proposal.add.keyPackage.leafNode.credential));
    if (proposal.proposalType === 'remove') removes.push(view.usernameAt(proposal.remove.removed) ?? '');
    if (proposal.proposalType === 'group_context_extensions') roles = rolesFrom(proposal.groupContextExtensions.extensions);
  }
  return {
    kind: 'commit',
    epoch: Number(after.groupContext.epoch),
    sender: view.usernameAt(committer)!,
    adds,
    removes,
    ...(roles ? { roles } : {}),
    removedSelf: after.groupActiveState.kind === 'removedFromGroup',
  };
}

/** Processes a commit (a PublicMessage) after the roles policy of the epoch it commits to has allowed it. */
async function readCommit(group: Group, pm: PublicMessage): Promise<Processed> {
  const { state, env } = group;
  if (pm.content.contentType !== 'commit') throw new GroupError('unsupported', `a ${pm.content.contentType} as a public message`);
  if (pm.content.sender.senderType !== 'member') throw new GroupError('unsupported', `commit from a ${pm.content.sender.senderType} sender`);
  if (pm.content.epoch !== state.groupContext.epoch) {
    throw new GroupError('wrong_epoch', `commit of epoch ${pm.content.epoch}, this state is at ${state.groupContext.epoch}`);
  }
  const view = policyView(state);
  let why: string | undefined;
  let seen: ProposalFrom[] = [];
  let committer = -1;
  const out = await withAuth(env, state, 'crypto', 'process commit', (s) =>
    processPublicMessage(s!, pm, emptyPskIndex, env.suite.impl, (incoming) => {
      if (incoming.kind !== 'commit') return 'reject';
      why = refusal(view, incoming.senderLeafIndex, incoming.proposals);
      seen = incoming.proposals;
      committer = incoming.senderLeafIndex ?? -1;
      return why ? 'reject' : 'accept';
    }),
  );
  if (out.actionTaken === 'reject') throw new GroupError('forbidden', `commit refused: ${why ?? 'not a commit'}`);
  const after = settle(env, out.newState);
  return { group: { env, state: after }, event: commitEvent(view, committer, seen, after), consumed: out.consumed };
}

/**
 * Processes one message from the group log: an application message or a commit. Pass the log
 * entry's `kind`: an entry logged as a `message` (which the server did not order as a commit)
 * must never move the epoch, so its bytes must be a PrivateMessage, and a `commit` entry's a
 * PublicMessage (review H4: a commit slipped in as a message would fork the group).
 */
export async function process(group: Group, bytes: Uint8Array, kind?: 'message' | 'commit'): Promise<Processed> {
  checkActive(group);
  const message = decodeMessage(bytes);
  const expected = kind === 'message' ? 'mls_private_message' : kind === 'commit' ? 'mls_public_message' : undefined;
  if (expected && message.wireformat !== expected) throw new GroupError('wrong_kind', `a ${kind} entry carrying ${message.wireformat}`);
  const sameGroup = (id: Uint8Array) => {
    if (!bytesEqual(id, group.state.groupContext.groupId)) throw new GroupError('wrong_group', 'message for another group');
  };
  switch (message.wireformat) {
    case 'mls_private_message':
      sameGroup(message.privateMessage.groupId);
      return readApplication(group, message.privateMessage);
    case 'mls_public_message':
      sameGroup(message.publicMessage.content.groupId);
      return readCommit(group, message.publicMessage);
    default:
      throw new GroupError('wrong_kind', `${message.wireformat} is not a group message`);
  }
}

/**
 * True for this member's own commit at the group's current epoch, as the group log brings it back:
 * adopt the CommitResult kept since sending instead of processing it (MLS cannot process it).
 */
export function isOwnCommit(group: Group, bytes: Uint8Array): boolean {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_public_message') return false;
  const { content } = message.publicMessage;
  return (
    content.contentType === 'commit' &&
    content.sender.senderType === 'member' &&
    content.sender.leafIndex === group.state.privatePath.leafIndex &&
    content.epoch === group.state.groupContext.epoch &&
    bytesEqual(content.groupId, group.state.groupContext.groupId)
  );
}
