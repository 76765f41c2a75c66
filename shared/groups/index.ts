/**
 * Parley's MLS module (RFC 9420 through ts-mls, pinned in package.json). Nothing else in Parley
 * imports ts-mls: the browser's group service and the server's delivery service use this face.
 * README.md in this folder maps the files; SECURITY.md ("Groups (MLS)") describes the construction.
 */
export { GroupError, type GroupErrorCode, isGroupError } from './errors';
export { MLS_LIMITS } from './limits';
export { fromBase64Url, toBase64Url } from './codec';
export { type Suite, type SuiteOptions, type WebCryptoCurves, SUITE_NAME, defaultSuite, detectWebCryptoCurves, loadSuite } from './suite';
export { type Authenticate, type GroupEnv, groupEnv } from './env';
export { type Role, type Roles, ROLES_EXTENSION_TYPE, normalizeRoles, roleOf } from './roles';
export { type OwnKeyPackage, keyPackages } from './key-packages';
export {
  type Group,
  type Member,
  createGroup,
  deserialize,
  epochOf,
  groupIdOf,
  isActive,
  join,
  members,
  ownLeaf,
  roleIn,
  rolesOf,
  serialize,
  wipe,
} from './group';
export { type CommitResult, add, remove, setRoles, update } from './commits';
export { type Encrypted, type GroupEvent, type Processed, encrypt, isOwnCommit, process } from './messages';
/** `process` under a name that does not shadow Node's (or the browser shim's) global `process`. */
export { process as processMessage } from './messages';
export {
  type CommitAdd,
  type CommitInfo,
  type KeyPackageInfo,
  type PrivateMessageInfo,
  type WelcomeInfo,
  inspectCommit,
  inspectKeyPackage,
  inspectPrivateMessage,
  inspectWelcome,
} from './inspect';
export { nextLeaves } from './leaves';
export { decodeTree, encodeTree, joinTreeParts, treeParts } from './trees';
export { COMMIT_PART_CHARS, needsParts, packCommit, textPart, textPartCount, unpackCommit } from './commit-parts';
export { KEY_RETENTION } from './retention';
