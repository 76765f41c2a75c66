/**
 * The one transport face the chat layer sees per contact. A Link carries sealed envelopes;
 * which path they take is the link's business. The relay link rides the server's WebSocket;
 * the direct WebRTC link (next) plugs in behind the same face and falls back to the relay.
 */
import type { Connection } from './connection';

export type LinkPath = 'relay' | 'direct';

export interface Link extends EventTarget {
  readonly peer: string;
  /** Which path carries traffic right now; fires `path` when it changes. */
  readonly path: LinkPath;
  /** Sends a sealed envelope; false if it cannot leave now (it stays in the outbox). */
  send(id: string, env: string): boolean;
  close(): void;
}

/** Envelopes through the server's relay (and its offline store when the contact is away). */
export class RelayLink extends EventTarget implements Link {
  readonly path: LinkPath = 'relay';

  constructor(
    readonly peer: string,
    private readonly connection: Connection,
  ) {
    super();
  }

  send(id: string, env: string): boolean {
    return this.connection.send({ t: 'send', to: this.peer, id, env });
  }

  close(): void {}
}

/** One link per contact, created on first use. */
export class Links {
  readonly #links = new Map<string, Link>();

  constructor(private readonly connection: Connection) {}

  get(peer: string): Link {
    let link = this.#links.get(peer);
    if (!link) {
      link = new RelayLink(peer, this.connection);
      this.#links.set(peer, link);
    }
    return link;
  }

  closeAll(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
  }
}
