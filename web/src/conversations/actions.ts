/**
 * What a user does to a message already in the conversation (the message actions menu): react,
 * edit, delete for everyone, delete for me. The first three are modifiers (modifiers.ts): applied
 * here, then sealed and kept as outbox jobs of their kind. Delete for me is local only, and final
 * (forgotten.ts).
 *
 * A delete for everyone also asks the server to drop the original if it still waits in the
 * recipient's offline queue (`unsend`, sent before the delete each time the delete job goes):
 * a recipient who was offline then never sees it. The delete still goes, so a copy already
 * delivered is deleted too.
 *
 * Either delete lets go of a file the message carried (the file layer's onFileGone): its transfer
 * stops, its bytes and transfer record go, and a copy left with the server is released.
 */
import { LIMITS } from '../../../shared/limits';
import type { Connection } from '../net/connection';
import { ParleyError } from '../net/parley-error';
import type { Direction, OutboxEntry, StoredMessage } from '../storage/db';
import { DELETE_FOR_EVERYONE_MS } from './bodies/delete';
import { editable } from './bodies/edit';
import type { ConversationId } from './conversation-id';
import { forgetMessage } from './forgotten';
import { type ModifierRoute, type ModifierSendDeps, sendModifier } from './modifiers';

export type { ModifierRoute } from './modifiers';

export interface ActionDeps extends ModifierSendDeps {
  /** Drops the copy every reader shares of a message deleted from this device. */
  forget: (message: StoredMessage) => void;
  changed: (conv: ConversationId, message?: StoredMessage, removed?: boolean) => void;
  /** The file layer lets go of file `fileId` (its transfer, its bytes, a copy left with the server): its message was deleted. */
  fileGone: (fileId: string, how: FileGone) => Promise<void>;
}

/** How a file's message was deleted: a sender's delete for me leaves the recipient what is theirs already. */
export type FileGone = 'for_me' | 'for_everyone';

export { DELETE_FOR_EVERYONE_MS };

/** Whether one's own message sent at `ts` may still be deleted for everyone. */
export const deletableForEveryone = (ts: number, now = Date.now()) => now - ts <= DELETE_FOR_EVERYONE_MS;

export class MessageActions {
  constructor(private readonly d: ActionDeps) {}

  /**
   * Reacts to message `target` (written `dir`) of `conv` with `emoji`, or takes the reaction back
   * (`remove`). `route`, here and below: the job goes through another service (a group's).
   */
  react(conv: ConversationId, target: string, emoji: string, remove = false, dir?: Direction, route?: ModifierRoute): Promise<void> {
    return sendModifier(this.d, conv, { kind: 'reaction', target, emoji, ...(remove ? { remove } : {}) }, dir, route);
  }

  /** Changes the text of one's own text message `target` (nothing happens when it is the same). */
  async edit(conv: ConversationId, target: string, text: string, route?: ModifierRoute): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (trimmed.length > LIMITS.maxTextChars) throw new ParleyError('too_long');
    const message = await this.d.find(conv, target, 'out');
    if (!message || !editable(message) || message.text === trimmed) return;
    await sendModifier(this.d, conv, { kind: 'edit', target, text: trimmed }, 'out', route);
  }

  /** Deletes one's own message `target` for everyone, within DELETE_FOR_EVERYONE_MS of sending it. */
  async deleteForEveryone(conv: ConversationId, target: string, route?: ModifierRoute): Promise<void> {
    const message = await this.d.find(conv, target, 'out');
    if (!message || message.deleted) return;
    if (!deletableForEveryone(message.ts)) throw new ParleyError('delete_too_late');
    // Not sent yet (or not answered): it must not go after its delete.
    if (this.d.outbox.get(target)) {
      this.d.outbox.forget(target);
      await this.d.db.delete('outbox', target);
    }
    const file = message.file?.fileId;
    await sendModifier(this.d, conv, { kind: 'delete', target }, 'out', route);
    // Once the delete is recorded: a file shown deleted is gone from both devices and the server.
    if (file && message.deleted) await this.d.fileGone(file, 'for_everyone');
  }

  /** Removes message `id` (written `dir`) from this device only; the other side keeps it. */
  async deleteForMe(conv: ConversationId, dir: Direction, id: string): Promise<void> {
    const message = await this.d.find(conv, id, dir);
    // Remembered, so a copy that comes again stays deleted (forgotten.ts).
    await forgetMessage(this.d.db, [conv, dir, id]);
    if (!message) return;
    this.d.forget(message);
    this.d.changed(conv, message, true);
    // Delete for me deletes the file too, its bytes and its transfer (the other side keeps theirs).
    if (message.file) await this.d.fileGone(message.file.fileId, 'for_me');
  }
}

/**
 * Called for each outbox job as it is (re)sent: before a delete for everyone, asks the server to
 * drop its target from the recipient's offline queue. Harmless when it is not there any more.
 */
export function unsendBeforeDelete(connection: Connection, entry: OutboxEntry): void {
  if (entry.kind === 'delete' && entry.target) connection.send({ t: 'unsend', to: entry.to, id: entry.target });
}
