/**
 * Chunks of a reception that is over, or unknown here (its message deleted, say): the sender
 * missed how it ended (a control lost with a connection) and would resend its window for ever.
 * Tell it again, at most every few seconds per file.
 */
import type { FileControl } from '../../../shared/peer-protocol';
import type { TransferRecord } from '../storage/db';

const STRAY_ANSWER_MS = 2000;
/** Files remembered at most; past it the memory starts again (an answer more costs nothing). */
const MAX_REMEMBERED = 256;

export class StrayChunks {
  /** When chunks of each file were last answered. */
  readonly #answered = new Map<string, number>();

  /** The control to send the sender of a stray chunk of `fileId` (`record` if this device knows it), or undefined when it was told lately. */
  answer(fileId: string, record: TransferRecord | undefined): FileControl | undefined {
    const now = performance.now();
    if (now - (this.#answered.get(fileId) ?? -Infinity) < STRAY_ANSWER_MS) return undefined;
    if (this.#answered.size >= MAX_REMEMBERED) this.#answered.clear();
    this.#answered.set(fileId, now);
    const received = record?.dir === 'in';
    if (received && record.state === 'done') return { op: 'done', fileId, ok: true };
    if (received && record.state === 'failed' && record.reason === 'integrity') return { op: 'done', fileId, ok: false };
    return { op: 'cancel', fileId };
  }
}
