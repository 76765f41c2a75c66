/**
 * File chunks through the relay: binary frames (shared/relay-frames.ts), forwarded live between
 * online contacts and never stored (unless flagged for an offline contact: see stored-files.ts). They are bounded by a per-connection byte rate and per-file
 * size, and dropped rather than queued when the recipient is not keeping up: the sender's
 * transfer resumes from the recipient's last acknowledgement.
 */
import { FILE_ID_BYTES } from '../../shared/file-chunks';
import { decodeRelayFrame } from '../../shared/relay-frames';
import { ProtocolError } from '../errors';
import { groupFileChunk, groupOfName } from '../groups/group-files';
import { requireReach } from '../policy';
import type { Session } from '../session';
import type { Context } from './context';

export async function relayChunk(ctx: Context, session: Session, bytes: Uint8Array): Promise<void> {
  if (!session.username) throw new ProtocolError('auth_required', 'log in first');
  const frame = decodeRelayFrame(bytes);
  if (!frame || frame.payload.length <= FILE_ID_BYTES) throw new ProtocolError('bad_frame', 'a binary frame is a relayed file chunk');
  // A group's file (`g:<group>`, a name no user can take): kept once for every member to fetch.
  const group = groupOfName(frame.name);
  if (group) return groupFileChunk(ctx, session, group, frame.store, frame.payload);
  const reach = requireReach(session, frame.name, frame.name);
  // A chunk for a contact who blocked the sender is dropped: stored ones silently (the commit is answered as if kept), live ones as to someone offline.
  if (reach === 'unseen' && frame.store) return;
  if (reach === 'unseen') throw new ProtocolError('peer_offline', `${frame.name} is offline`, frame.name);
  if (frame.store) {
    await ctx.files.upload(session, frame.name, frame.payload);
    return;
  }
  const fileId = Buffer.from(frame.payload.subarray(0, FILE_ID_BYTES)).toString('hex');
  const allowed = session.allowRelay(fileId, frame.payload.length);
  if (allowed === 'size') throw new ProtocolError('file_too_large', 'this file is over the relay size limit', fileId);
  if (allowed === 'rate') throw new ProtocolError('relay_limit', 'over the relay byte rate', fileId);
  const result = await ctx.router.deliver(frame.name, { t: 'chunk', from: session.username, payload: frame.payload });
  if (result === 'offline') throw new ProtocolError('peer_offline', `${frame.name} is offline`, frame.name);
  if (result === 'busy') throw new ProtocolError('recipient_busy', `${frame.name} is not keeping up`, fileId);
}
