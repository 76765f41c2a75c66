/**
 * Scheduled group messages (issue 13, item 3, "works for groups"): the server holds an MLS
 * application message the sender sealed when it scheduled, and at its time posts it through the
 * same path as a live `group_send` from that sender (groups/handlers-messages.ts): policy is asked
 * then (still a member, not muted, may send where only admins send, the group still there) and
 * the log seq is assigned then, so it lands in order at its time for every member, live or
 * offline, whichever node delivers it.
 *
 * Epochs: the group may have moved on since it was sealed. The live path takes the current epoch
 * and the one before; a held message may lag as many epochs as members keep keys for (ts-mls's
 * `retainKeysForEpochs`), since every member who still holds that epoch reads it. Further behind
 * no member could, so it is dropped and the sender told `stale_epoch` (an online client re-seals
 * its held messages after a commit: cancel, then schedule again at the new epoch). SECURITY.md,
 * "Scheduled messages", says what this costs.
 */
import { KEY_RETENTION } from '../../shared/groups';
import { HELD_GROUP_DROP_REASONS } from '../../shared/protocol-schedule';
import { ProtocolError } from '../errors';
import type { Context } from '../handlers/context';
import { type GroupMessage, LIVE_EPOCH_LAG, checkGroupMessage, postGroupMessage } from '../groups/handlers-messages';
import type { GroupService } from '../groups/service';
import type { Session } from '../session';
import type { HeldOutcome } from './scheduler';
import type { HeldMessage } from './schedule-store';

/** The most epochs a held group message may be behind the group's when it falls due. */
export const HELD_EPOCH_LAG = KEY_RETENTION.epochs;

/**
 * The most group messages one sender may have held for one group and epoch. Each takes a step of
 * the sender's ratchet in that epoch; until it is posted, a member who reads a later message of
 * that sender skips its step and keeps the key for it, but only for this many skipped steps
 * (ts-mls's `retainKeysForGenerations`): one more held, and the oldest would be unreadable.
 */
export const HELD_PER_EPOCH = KEY_RETENTION.generations;

const DROP_REASONS: ReadonlySet<string> = new Set(HELD_GROUP_DROP_REASONS);

/**
 * At `schedule`: refused now with what a `group_send` would be refused with now (and under the
 * same rate), so a sender learns at once that they may not post there.
 */
export async function checkHeldGroup(ctx: Context, session: Session, m: GroupMessage): Promise<void> {
  ctx.groups.rate(session, 'sends', m.id);
  await checkGroupMessage(ctx.groups, session.username!, m, LIVE_EPOCH_LAG);
}

/** At its time: posted as a live `group_send`, or dropped with the refusal's code. */
export async function deliverHeldGroup(groups: GroupService, m: HeldMessage): Promise<HeldOutcome> {
  // A disappearing message's timer counts from now, when it is posted, as a live send's does.
  const message: GroupMessage = { group: m.to, epoch: m.epoch!, id: m.id, env: m.env, ...(m.ttl !== undefined ? { ttl: m.ttl } : {}) };
  // Claimed again after a crash between posting and forgetting it: it is in the log already.
  const posted = await groups.store.groups.receipts.message(m.to, m.id);
  if (posted?.from === m.sender) return { sent: true };
  try {
    await postGroupMessage(groups, m.sender, message, HELD_EPOCH_LAG);
    return { sent: true };
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    if (err.code === 'server_full') return 'later';
    return DROP_REASONS.has(err.code) ? { sent: false, reason: err.code as (typeof HELD_GROUP_DROP_REASONS)[number] } : { sent: false };
  }
}
