/** The group handlers (issue 12), spliced into the dispatch table in handlers/index.ts. */
import type { HandlerTable } from '../handlers/context';
import { groupCreate, groupDelete, groupInfo, groupLeave, groupSearch, groupSettings } from './handlers-lifecycle';
import { groupBan, groupDecide, groupJoinRequest, groupMute, groupUnban } from './handlers-members';
import { groupFileCommit, groupFileFetch, groupFileRelease } from './group-files';
import { groupAck, groupSend, groupTyping } from './handlers-messages';
import { groupCommit, kpClaim, kpUpload } from './handlers-mls';
import { groupTreeGet, groupTreePut } from './group-trees';
import { groupCommitGet, groupCommitPut } from './big-commits';
import { groupRead, groupReceipts } from './handlers-receipts';

type GroupFrameType = Extract<keyof HandlerTable, `group_${string}` | `kp_${string}`>;

export const groupHandlers: Pick<HandlerTable, GroupFrameType> = {
  kp_upload: kpUpload,
  kp_claim: kpClaim,
  group_create: groupCreate,
  group_search: groupSearch,
  group_join_request: groupJoinRequest,
  group_decide: groupDecide,
  group_commit: groupCommit,
  group_tree_put: groupTreePut,
  group_tree_get: groupTreeGet,
  group_commit_put: groupCommitPut,
  group_commit_get: groupCommitGet,
  group_send: groupSend,
  group_ack: groupAck,
  group_typing: groupTyping,
  group_read: groupRead,
  group_receipts: groupReceipts,
  group_info: groupInfo,
  group_mute: groupMute,
  group_settings: groupSettings,
  group_ban: groupBan,
  group_unban: groupUnban,
  group_leave: groupLeave,
  group_delete: groupDelete,
  group_file_commit: groupFileCommit,
  group_file_fetch: groupFileFetch,
  group_file_release: groupFileRelease,
};
