/**
 * The server's MLS inspector on the MLS module (shared/groups/inspect.ts): public fields of
 * KeyPackages (signature checked), commits and Welcomes, with keys as base64url so they compare
 * with the accounts' identity keys as stored.
 */
import { fromBase64Url, inspectCommit, inspectKeyPackage, inspectPrivateMessage, inspectWelcome, toBase64Url } from '../../shared/groups';
import type { MlsInspector } from './mls-inspect';

export const mlsInspector: MlsInspector = {
  async keyPackage(b64) {
    const info = await inspectKeyPackage(fromBase64Url(b64));
    return { username: info.username, signatureKey: toBase64Url(info.signatureKey), ref: info.ref };
  },
  async commit(b64) {
    const info = await inspectCommit(fromBase64Url(b64));
    return {
      groupId: info.groupId,
      epoch: info.epoch,
      senderLeaf: info.senderLeaf,
      adds: info.adds.map((a) => ({ username: a.username, signatureKey: toBase64Url(a.signatureKey), keyPackageRef: a.keyPackageRef })),
      removes: info.removes,
      rolesChanged: info.rolesChanged,
      ...(info.roles ? { roles: { owner: info.roles.owner, admins: [...info.roles.admins] } } : {}),
    };
  },
  async welcome(b64) {
    return inspectWelcome(fromBase64Url(b64)).keyPackageRefs;
  },
  async message(b64) {
    return inspectPrivateMessage(fromBase64Url(b64));
  },
};
