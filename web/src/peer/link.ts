/**
 * The one transport face the chat layer sees per contact. A Link carries sealed envelopes and
 * sealed file chunks; which path they take (the server's relay or a direct WebRTC data channel)
 * is the link's business. See web/src/peer/peer-link.ts for the implementation.
 */
import type { FileControl } from '../../../shared/peer-protocol';

export type LinkPath = 'relay' | 'direct';

export interface Link {
  readonly peer: string;
  /** Which path carries traffic right now. */
  readonly path: LinkPath;
  /** Sends a sealed envelope; false if it cannot leave now (it stays in the outbox). */
  send(id: string, env: string): boolean;
  /** Sends a sealed file chunk on the current path; false if it cannot leave now. The bytes are copied out before it returns: the caller may reuse the buffer. */
  sendChunk(bytes: Uint8Array): boolean;
  /** Sends file transfer control on the current path; false if it cannot leave now. */
  sendFileControl(ctl: FileControl): boolean;
  /** Bytes queued on the current path and not yet on the wire. */
  readonly bufferedAmount: number;
  /** Resolves once the current path's queue is at or below `lowWater` bytes. */
  waitForDrain(lowWater: number): Promise<void>;
  close(): void;
}
