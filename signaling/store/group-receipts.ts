/**
 * What the server keeps for group receipts (issue 12 item 4, "Message info"): per member a read
 * cursor (the highest seq their device showed in a visible tab, never moving back nor past the
 * group's seq) beside the delivery cursor `group_ack` already moves, the seq of the commit that
 * added them (members who joined after a message are not asked about it), and per message its
 * seq and author, so only the author may ask who has it. The log itself cannot answer that: its
 * entries go as soon as every member has stored them.
 *
 * Bounds: one integer per member; the message index keeps at most the log's count bound
 * (`logMaxEntries`) per group, whatever ages out of the log, and goes with the group.
 */

/** Where one active member is in a group. */
export interface MemberPosition {
  user: string;
  /** The seq of the commit that added them (0: the creator, or a member kept before this was stored). */
  joined: number;
  /** The last entry their device stored (`group_ack`). */
  cursor: number;
  /** The last entry their device showed (`group_read`). */
  read: number;
}

export interface GroupReceiptStore {
  /** Message `id` of `group` is at `seq`, written by `from`; older entries past the count bound go. First write of an id wins. */
  noteMessage(group: string, id: string, seq: number, from: string): Promise<void>;
  /** The seq and author of message `id`, while kept. */
  message(group: string, id: string): Promise<{ seq: number; from: string } | undefined>;
  /** `user`'s read cursor moves to `seq` (never back, never past the group's seq): the cursor after, or undefined for no active member. */
  markRead(group: string, user: string, seq: number): Promise<number | undefined>;
  /** Every active member's position. */
  positions(group: string): Promise<MemberPosition[]>;
}
