/**
 * How many past epochs and skipped ratchet steps a member's client keeps keys for (ts-mls's
 * defaults, which Parley's clients use): the server's bound on how far behind a held group
 * message may be posted and how many it holds per sender and epoch (signaling/scheduling/group-held.ts).
 */
import { defaultKeyRetentionConfig } from 'ts-mls';

export const KEY_RETENTION = {
  epochs: defaultKeyRetentionConfig.retainKeysForEpochs,
  generations: defaultKeyRetentionConfig.retainKeysForGenerations,
} as const;
