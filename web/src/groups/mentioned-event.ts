import type { StoredMessage } from '../storage/db';

/** Fired ('mentioned') by the group service when an edit newly @mentions this user (edit-mentions.ts): the message as edited. */
export class MentionedEvent extends Event {
  constructor(readonly message: StoredMessage) {
    super('mentioned');
  }
}
