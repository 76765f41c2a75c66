/**
 * The roles policy every member applies to every commit, inside ts-mls's incoming-message callback
 * (so a refused commit never changes the state). It is the same table the server enforces from
 * its own records (docs/groups-contract.md); members check it again so that a server cannot make
 * them accept an addition or a kick that no admin made:
 * - any member may update its own leaf, and may have itself removed (a Remove of its own leaf);
 * - only the owner or an admin adds, only the owner or an admin removes a plain member, only the
 *   owner removes an admin, and nobody removes the owner;
 * - only the owner changes the GroupContext extensions (the roles), and the new roles must be
 *   valid and name a current member as owner;
 * - no commit takes the group past MLS_LIMITS.maxMembers;
 * - nothing from outside the group (external senders, external joins), and no PSK, ReInit or
 *   custom proposal: Parley uses none of them.
 */
import type { Proposal } from 'ts-mls';
import { GroupError } from './errors';
import { MLS_LIMITS } from './limits';
import { type Roles, roleOf, rolesFrom } from './roles';

export interface ProposalFrom {
  proposal: Proposal;
  /** The proposer's leaf; undefined for a sender outside the group. */
  senderLeafIndex: number | undefined;
}

/** The epoch a commit is checked against: its roles and who sits at each leaf. */
export interface PolicyView {
  roles: Roles;
  usernameAt(leaf: number): string | undefined;
  /** Every member's username. */
  members: ReadonlySet<string>;
}

function checkRemove(view: PolicyView, sender: number, target: number): string | undefined {
  if (target === sender) return undefined;
  const by = roleOf(view.roles, view.usernameAt(sender) ?? '');
  const targetName = view.usernameAt(target);
  if (targetName === undefined) return `remove of blank leaf ${target}`;
  const of = roleOf(view.roles, targetName);
  if (of === 'owner') return 'the owner cannot be removed by another member';
  if (of === 'admin' && by !== 'owner') return 'only the owner removes an admin';
  if (by === 'member') return 'a member removed someone else';
  return undefined;
}

function checkExtensions(view: PolicyView, sender: number, proposal: Proposal & { proposalType: 'group_context_extensions' }) {
  if (roleOf(view.roles, view.usernameAt(sender) ?? '') !== 'owner') return 'roles changed by someone other than the owner';
  let next: Roles;
  try {
    next = rolesFrom(proposal.groupContextExtensions.extensions);
  } catch (e) {
    return e instanceof GroupError ? e.message : 'invalid roles';
  }
  if (!view.members.has(next.owner)) return 'the new owner is not a member';
  return undefined;
}

/** Why the commit from `committer` carrying `proposals` is refused, or undefined when it is allowed. */
export function refusal(view: PolicyView, committer: number | undefined, proposals: readonly ProposalFrom[]): string | undefined {
  if (committer === undefined || view.usernameAt(committer) === undefined) return 'commit not from a member';
  const delta = proposals.reduce((n, p) => n + (p.proposal.proposalType === 'add' ? 1 : p.proposal.proposalType === 'remove' ? -1 : 0), 0);
  if (view.members.size + delta > MLS_LIMITS.maxMembers) return `more than ${MLS_LIMITS.maxMembers} members`;
  for (const { proposal, senderLeafIndex: sender } of proposals) {
    if (sender === undefined || view.usernameAt(sender) === undefined) return 'proposal from outside the group';
    const senderRole = roleOf(view.roles, view.usernameAt(sender)!);
    let why: string | undefined;
    switch (proposal.proposalType) {
      case 'update':
        break;
      case 'add':
        if (senderRole === 'member') why = 'a member added someone';
        break;
      case 'remove':
        why = checkRemove(view, sender, proposal.remove.removed);
        break;
      case 'group_context_extensions':
        why = checkExtensions(view, sender, proposal);
        break;
      default:
        why = `proposal type ${String(proposal.proposalType)} is not used by Parley`;
    }
    if (why) return why;
  }
  return undefined;
}
