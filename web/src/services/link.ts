/**
 * The one transport face the chat layer sees per contact. A Link carries sealed envelopes;
 * which path they take (the server's relay or a direct WebRTC data channel) is the link's
 * business. See web/src/peer/peer-link.ts for the implementation.
 */
export type LinkPath = 'relay' | 'direct';

export interface Link {
  readonly peer: string;
  /** Which path carries traffic right now. */
  readonly path: LinkPath;
  /** Sends a sealed envelope; false if it cannot leave now (it stays in the outbox). */
  send(id: string, env: string): boolean;
  close(): void;
}
