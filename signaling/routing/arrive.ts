/**
 * What reaches a connection of this node, however it was routed: the local router calls this
 * directly, a cluster router when its node inbox hands it something. The one place that writes to
 * a user's socket on someone else's behalf.
 */
import { encodeRelayFrame } from '../../shared/relay-frames';
import { admits } from '../policy';
import type { Session } from '../session';
import type { Arrival, DeliverResult, SessionChange } from './router';

/** The frame that carries each kind of receipt. */
export const RECEIPT_FRAME = { receipt: 'delivered', refusal: 'refused' } as const;

/** Who an arrival comes from (or, for a notice, who it is about), where that is another user. */
function sender(arrival: Arrival): string | undefined {
  switch (arrival.t) {
    case 'message':
      return arrival.msg.from;
    case 'receipt':
      return arrival.by;
    case 'signal':
    case 'chunk':
    case 'transient':
      return arrival.from;
    case 'change':
      return undefined;
    case 'notice': {
      const f = arrival.frame;
      if (f.t === 'presence' || f.t === 'request_declined') return f.username;
      if (f.t === 'request_received' || f.t === 'group_typing') return f.from;
      return undefined; // contact_added is about the user's own contacts; group frames are the group's, not one user's
    }
  }
}

/** Applies a change to a connection's routing state (kept also for replay while its login reads the store). */
export function applyChange(session: Session, change: SessionChange): void {
  session.recordChange(change);
  const set = change.t === 'contact' ? session.contacts : session.blockedBy;
  if (change.on) set.add(change.peer);
  else set.delete(change.peer);
}

/**
 * Hands `arrival` to `session`. Signals and relayed chunks are volatile: a connection not reading
 * gets none past half its send buffer (so a contact's flood can never make the server cut it as
 * a slow consumer), and one still logging in gets none at all.
 */
export function arrive(session: Session, arrival: Arrival, maxBufferedBytes: number): DeliverResult {
  if (session.closed) return 'offline';
  // Across a block nothing arrives; the sender's side was answered by the policy already.
  const from = sender(arrival);
  if (from !== undefined && !admits(session, from)) return arrival.t === 'signal' || arrival.t === 'chunk' || arrival.t === 'transient' ? 'offline' : 'sent';
  switch (arrival.t) {
    case 'notice':
      // Typing is volatile, like a transient signal: not for a connection that is behind.
      if (arrival.frame.t === 'group_typing' && (!session.welcomed || session.buffered > maxBufferedBytes / 2)) return 'busy';
      // A group's log, Welcome or removal goes through the connection's group feed, which keeps it in order (groups/feed.ts).
      if (arrival.frame.t === 'group_log' || arrival.frame.t === 'group_welcome' || arrival.frame.t === 'group_removed') session.groupFeed?.arrive(arrival.frame);
      else session.send(arrival.frame);
      return 'sent';
    case 'change':
      applyChange(session, arrival.change);
      return 'sent';
    case 'message':
      session.deliver(arrival.msg);
      return 'sent';
    case 'receipt':
      session.expectReceiptAcks(arrival.by, arrival.ids, arrival.kind);
      session.send({ t: RECEIPT_FRAME[arrival.kind], by: arrival.by, ids: arrival.ids });
      return 'sent';
    case 'transient':
      if (!session.welcomed) return 'offline';
      if (session.buffered > maxBufferedBytes / 2) return 'busy';
      session.send({ t: 'transient', from: arrival.from, id: arrival.id, env: arrival.env });
      return 'sent';
    case 'signal':
    case 'chunk':
      if (!session.welcomed) return 'offline';
      // Half the send buffer: chat frames to the same person must still fit behind the chunks.
      if (session.buffered > maxBufferedBytes / 2) return 'busy';
      if (arrival.t === 'signal') session.send({ t: 'signal', from: arrival.from, data: arrival.data });
      else session.sendBinary(encodeRelayFrame(arrival.from, arrival.payload));
      return 'sent';
  }
}
