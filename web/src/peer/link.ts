/**
 * The one transport face the chat and file layers see per contact. A Link carries sealed
 * envelopes both ways, and their answers, and sealed file chunks; which path they take (the
 * server's relay or a direct WebRTC data channel) is the link's business. See peer-link.ts for
 * the implementation and links.ts for where arrivals and outcomes are reported.
 */
import type { FileControl } from '../../../shared/peer-protocol';

export type LinkPath = 'relay' | 'direct';

/**
 * What became of a sent envelope: kept by the server's store (`sent`), taken by the recipient's
 * device (`delivered`), or refused there (`refused`: it did not open).
 */
export type Outcome = 'sent' | 'delivered' | 'refused';

export interface Link {
  readonly peer: string;
  /** Which path carries traffic right now. */
  readonly path: LinkPath;
  /**
   * Sends a sealed envelope; false if it cannot leave now (it stays in the outbox). `ttl`: a
   * disappearing message's timer in seconds (the server's queue keeps it no longer).
   */
  send(id: string, env: string, ttl?: number): boolean;
  /**
   * The envelopes `ids` from this contact are safely stored (or were duplicates): the sender may
   * forget them. Each is answered on the path it came by.
   */
  ack(ids: readonly string[]): void;
  /** The envelopes `ids` from this contact did not open: the sender is told they were refused. */
  refuse(ids: readonly string[]): void;
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

/**
 * Where the links report to the chat layer, whatever the path: an envelope from a contact, and
 * what became of envelopes sent (`by` is the device that answered; undefined for the server's
 * store). The link awaits each: its answer (a receipt's acknowledgement, say) follows only once
 * the chat layer has recorded it.
 */
export interface EnvelopeSink {
  envelope(peer: string, id: string, env: string): Promise<void>;
  outcome(ids: readonly string[], outcome: Outcome, by: string | undefined): Promise<void>;
}
