import type { Proposal } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { MLS_LIMITS } from './limits';
import { type PolicyView, refusal } from './policy';
import { rolesExtension } from './roles';

// Leaves: 0 owner, 1 admin, 2 and 3 members, 4 blank.
const names = ['olga', 'adam', 'mia', 'max'];
const view = (extra = 0): PolicyView => ({
  roles: { owner: 'olga', admins: ['adam'] },
  usernameAt: (leaf) => names[leaf],
  members: new Set([...names, ...Array.from({ length: extra }, (_, i) => `m${i}x`)]),
});
const rm = (leaf: number): Proposal => ({ proposalType: 'remove', remove: { removed: leaf } });
const add = { proposalType: 'add', add: { keyPackage: {} } } as unknown as Proposal;
const roles = (owner: string): Proposal => ({
  proposalType: 'group_context_extensions',
  groupContextExtensions: { extensions: [rolesExtension({ owner, admins: [] })] },
});
const by = (sender: number | undefined, ...ps: Proposal[]) => ps.map((proposal) => ({ proposal, senderLeafIndex: sender }));

describe('the roles policy (the table in docs/groups-contract.md)', () => {
  it('lets the owner and admins add, and members only update or leave', () => {
    expect(refusal(view(), 0, by(0, add))).toBeUndefined();
    expect(refusal(view(), 1, by(1, add))).toBeUndefined();
    expect(refusal(view(), 2, by(2, add))).toMatch(/member added/);
    expect(refusal(view(), 2, by(2, { proposalType: 'update', update: {} } as unknown as Proposal))).toBeUndefined();
    expect(refusal(view(), 2, [])).toBeUndefined(); // an empty commit: a self-update
    expect(refusal(view(), 1, by(3, rm(3)))).toBeUndefined(); // max's own Remove, committed by someone else
  });

  it('has admins remove members only, the owner remove anyone else, nobody remove the owner', () => {
    expect(refusal(view(), 1, by(1, rm(2)))).toBeUndefined();
    expect(refusal(view(), 0, by(0, rm(1)))).toBeUndefined();
    expect(refusal(view(), 2, by(2, rm(3)))).toMatch(/removed someone else/);
    expect(refusal(view(), 1, by(1, rm(0)))).toMatch(/owner/);
    expect(refusal(view(), 2, by(2, rm(1)))).toMatch(/only the owner/);
    expect(refusal(view(), 1, by(1, rm(4)))).toMatch(/blank/);
  });

  it('takes roles changes from the owner only, to a member as owner', () => {
    expect(refusal(view(), 0, by(0, roles('mia')))).toBeUndefined();
    expect(refusal(view(), 1, by(1, roles('adam')))).toMatch(/owner/);
    expect(refusal(view(), 0, by(0, roles('nobody')))).toMatch(/not a member/);
    const broken: Proposal = { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [] } };
    expect(refusal(view(), 0, by(0, broken))).toMatch(/roles extension/);
  });

  it('refuses outsiders, unused proposal kinds and groups past the member limit', () => {
    expect(refusal(view(), undefined, by(undefined, add))).toMatch(/not from a member/);
    expect(refusal(view(), 0, by(undefined, rm(2)))).toMatch(/outside/);
    expect(refusal(view(), 4, [])).toMatch(/not from a member/);
    const psk = { proposalType: 'psk', psk: {} } as unknown as Proposal;
    const custom = { proposalType: 0xf123, proposalData: new Uint8Array() } as unknown as Proposal;
    expect(refusal(view(), 0, by(0, psk))).toMatch(/not used/);
    expect(refusal(view(), 0, by(0, custom))).toMatch(/not used/);
    expect(refusal(view(MLS_LIMITS.maxMembers - names.length - 1), 0, by(0, add))).toBeUndefined();
    expect(refusal(view(MLS_LIMITS.maxMembers - names.length), 0, by(0, add))).toMatch(/more than/);
    expect(refusal(view(MLS_LIMITS.maxMembers - names.length), 0, by(0, rm(2), add))).toBeUndefined();
  });
});
