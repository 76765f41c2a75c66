/**
 * An edit that adds an @mention of this user notifies them, as the mention would have in a new
 * message (issue 12, item 4: even when the group is muted). Once: only when the edit is applied
 * (its author's, newer than the text shown), and only when the text before it did not name them
 * (mentions.ts `editMentionsMe`, which also leaves out edits of old messages). The log reads the
 * target before handing the edit to the conversations seam and again after, so a replayed or
 * refused edit (nothing changed) never notifies.
 */
import type { Edit } from '../../../shared/envelope';
import type { ConversationId } from '../conversations/conversation-id';
import type { StoredMessage } from '../storage/db';
import { editMentionsMe } from './mentions';

export interface EditMentionDeps {
  /** The message `id` a member wrote in conversation `conv` (IndexedDB), or undefined. */
  read: (conv: ConversationId, id: string) => Promise<StoredMessage | undefined>;
  me: () => string;
  /** `message`, as edited, now @mentions this user (the notifier shows it). */
  mentioned: (message: StoredMessage) => void;
  now?: () => number;
}

/** What an edit's target was before it, for `after`. */
export interface EditWatch {
  conv: ConversationId;
  before: Pick<StoredMessage, 'text' | 'mentions' | 'ts' | 'edited'>;
}

export class EditMentions {
  constructor(private readonly d: EditMentionDeps) {}

  /** Call before the edit is stored: the target as it is (undefined when there is none of `from`'s). */
  async before(conv: ConversationId, from: string, body: Edit): Promise<EditWatch | undefined> {
    const target = await this.d.read(conv, body.target);
    if (!target || target.peer !== from || target.deleted) return undefined;
    const { text, mentions, ts, edited } = target;
    return { conv, before: { text, ts, ...(mentions ? { mentions: [...mentions] } : {}), ...(edited !== undefined ? { edited } : {}) } };
  }

  /** Call once the edit is stored: notifies when it was applied and newly names this user. */
  async after(watch: EditWatch, body: Edit, editedAt: number, members: ReadonlySet<string>): Promise<void> {
    const me = this.d.me();
    if (!editMentionsMe(watch.before, body.text, editedAt, members, me, this.d.now?.() ?? Date.now())) return;
    const now = await this.d.read(watch.conv, body.target);
    // Applied: this edit's text is shown now, and it was not before (a replay changes nothing).
    if (!now || now.text !== body.text || now.edited !== editedAt || watch.before.edited === editedAt) return;
    this.d.mentioned({ ...now, mentions: [...new Set([...(now.mentions ?? []), me])] });
  }
}
