/**
 * Public inspection of MLS objects, for the server (the delivery service): it reads what a key
 * package, a commit, a Welcome or an application message says in clear, with no group secret.
 * Everything is checked against Parley's profile (suite 1, basic credentials naming a valid
 * username, inline proposals only) and anything else throws a GroupError, never another error.
 * What the server cannot check here (the commit's signature and membership tag need the group's
 * context and keys) every member checks when it processes the commit.
 */
import type { KeyPackage, Proposal } from 'ts-mls';
import { makeKeyPackageRef, verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { decodeMessage, toBase64Url, usernameOf } from './codec';
import { GroupError } from './errors';
import { MLS_LIMITS } from './limits';
import { ROLES_EXTENSION_TYPE, type Roles, rolesFrom } from './roles';
import { SUITE_NAME, type Suite, defaultSuite } from './suite';

export interface KeyPackageInfo {
  /** The credential's identity: the user the key package claims to be. */
  username: string;
  /** The leaf's Ed25519 signature key (32 bytes): Parley's identity key of that user. */
  signatureKey: Uint8Array;
  /** KeyPackageRef (RFC 9420 §5.2), base64url: how a commit's Add and a Welcome name this package. */
  ref: string;
}

export interface CommitAdd {
  username: string;
  signatureKey: Uint8Array;
  keyPackageRef: string;
}

export interface CommitInfo {
  /** The MLS group id, base64url (22 characters for Parley's 16 bytes). */
  groupId: string;
  /** The epoch the commit was made in; it moves the group to `epoch + 1`. */
  epoch: number;
  /** The committer's leaf index. */
  senderLeaf: number;
  /** Added members, in the commit's order (pair them with nextLeaves()). */
  adds: CommitAdd[];
  /** Leaf indices removed, in the commit's order. */
  removes: number[];
  /** True when the commit replaces the GroupContext extensions (Parley: a roles change). */
  rolesChanged: boolean;
  /** The roles the commit sets, when `rolesChanged`. */
  roles?: Roles;
  /** True when the commit carries an UpdatePath (a self-update, a removal, a roles change). */
  hasPath: boolean;
}

export interface WelcomeInfo {
  /** KeyPackageRefs (base64url) of the members the Welcome is for. */
  keyPackageRefs: string[];
}

export interface PrivateMessageInfo {
  groupId: string;
  epoch: number;
  contentType: 'application' | 'proposal' | 'commit';
}

const safeEpoch = (epoch: bigint): number => {
  if (epoch < 0n || epoch > BigInt(Number.MAX_SAFE_INTEGER)) throw new GroupError('malformed', 'epoch out of range');
  return Number(epoch);
};

function checkGroupId(id: Uint8Array): string {
  if (id.length !== MLS_LIMITS.groupIdBytes) throw new GroupError('unsupported', `group id of ${id.length} bytes`);
  return toBase64Url(id);
}

/** Checks a decoded key package against Parley's profile and returns what it claims. */
async function checkKeyPackage(kp: KeyPackage, suite: Suite, verify: boolean): Promise<KeyPackageInfo> {
  if (kp.version !== 'mls10' || kp.cipherSuite !== SUITE_NAME) throw new GroupError('unsupported', `cipher suite ${kp.cipherSuite}`);
  if (kp.leafNode.leafNodeSource !== 'key_package') throw new GroupError('malformed', 'key package leaf is not from a key package');
  const username = usernameOf(kp.leafNode.credential);
  if (!kp.leafNode.capabilities.extensions.includes(ROLES_EXTENSION_TYPE)) {
    throw new GroupError('unsupported', 'key package does not support the roles extension');
  }
  if (kp.leafNode.signaturePublicKey.length !== 32) throw new GroupError('bad_credential', 'signature key is not 32 bytes');
  if (verify && !(await verifyKeyPackage(kp, suite.impl.signature))) {
    throw new GroupError('bad_credential', 'key package signature does not verify');
  }
  const ref = toBase64Url(await makeKeyPackageRef(kp, suite.impl.hash));
  return { username, signatureKey: kp.leafNode.signaturePublicKey, ref };
}

/**
 * What an uploaded KeyPackage (an encoded MLSMessage) claims, after checking its signature: the
 * server stores it only if `username` is the uploader and `signatureKey` their identity key.
 */
export async function inspectKeyPackage(bytes: Uint8Array, suite?: Suite): Promise<KeyPackageInfo> {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_key_package') throw new GroupError('wrong_kind', `${message.wireformat}, not a key package`);
  return checkKeyPackage(message.keyPackage, suite ?? (await defaultSuite()), true);
}

async function readProposals(proposals: Proposal[], suite: Suite, info: CommitInfo): Promise<void> {
  for (const p of proposals) {
    switch (p.proposalType) {
      case 'add': {
        const kp = await checkKeyPackage(p.add.keyPackage, suite, false);
        info.adds.push({ username: kp.username, signatureKey: kp.signatureKey, keyPackageRef: kp.ref });
        break;
      }
      case 'remove':
        info.removes.push(p.remove.removed);
        break;
      case 'group_context_extensions':
        if (info.rolesChanged) throw new GroupError('malformed', 'two GroupContextExtensions proposals');
        info.rolesChanged = true;
        info.roles = rolesFrom(p.groupContextExtensions.extensions);
        break;
      default:
        throw new GroupError('unsupported', `proposal type ${String(p.proposalType)} in a commit`);
    }
  }
}

/**
 * What a commit (a PublicMessage, as Parley sends every commit) does: its group, epoch and
 * committer, the members it adds and the leaves it removes, and a roles change.
 */
export async function inspectCommit(bytes: Uint8Array, suite?: Suite): Promise<CommitInfo> {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_public_message') throw new GroupError('wrong_kind', `${message.wireformat}, not a public message`);
  const { content } = message.publicMessage;
  if (content.contentType !== 'commit') throw new GroupError('wrong_kind', `${content.contentType}, not a commit`);
  if (content.sender.senderType !== 'member') throw new GroupError('unsupported', `commit from a ${content.sender.senderType} sender`);
  const info: CommitInfo = {
    groupId: checkGroupId(content.groupId),
    epoch: safeEpoch(content.epoch),
    senderLeaf: content.sender.leafIndex,
    adds: [],
    removes: [],
    rolesChanged: false,
    hasPath: content.commit.path !== undefined,
  };
  const inline: Proposal[] = [];
  for (const p of content.commit.proposals) {
    if (p.proposalOrRefType !== 'proposal') throw new GroupError('unsupported', 'proposal by reference');
    inline.push(p.proposal);
  }
  await readProposals(inline, suite ?? (await defaultSuite()), info);
  return info;
}

/** Which key packages a Welcome is for, so the server can check it matches the commit's Adds. */
export function inspectWelcome(bytes: Uint8Array): WelcomeInfo {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_welcome') throw new GroupError('wrong_kind', `${message.wireformat}, not a Welcome`);
  if (message.welcome.cipherSuite !== SUITE_NAME) throw new GroupError('unsupported', `cipher suite ${message.welcome.cipherSuite}`);
  return { keyPackageRefs: message.welcome.secrets.map((s) => toBase64Url(s.newMember)) };
}

/** The clear header of an application message (a PrivateMessage): its group, epoch and content type. */
export function inspectPrivateMessage(bytes: Uint8Array): PrivateMessageInfo {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_private_message') throw new GroupError('wrong_kind', `${message.wireformat}, not a private message`);
  const pm = message.privateMessage;
  return { groupId: checkGroupId(pm.groupId), epoch: safeEpoch(pm.epoch), contentType: pm.contentType };
}
