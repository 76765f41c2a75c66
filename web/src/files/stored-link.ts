/**
 * How a receiver reaches a file its sender left with the server: the same Link face the
 * IncomingTransfer uses for a live transfer, except that `want` becomes `file_fetch` (the server
 * streams the stored chunks from that index) and acknowledgements stay home (the server needs
 * none). When the receiver is finished with the file either way, the server's copy is released.
 * If the server has no such file (the upload failed, or is still under way), the link turns live
 * and asks the sender, like any transfer.
 */
import type { FileControl } from '../../../shared/peer-protocol';
import type { Connection } from '../net/connection';
import type { Link, LinkPath } from '../peer/link';

export class StoredFileLink implements Link {
  #live = false;

  constructor(
    private readonly link: () => Link,
    private readonly connection: Connection,
  ) {}

  get peer(): string {
    return this.link().peer;
  }

  get path(): LinkPath {
    return this.link().path;
  }

  /** True once the server said it has no copy: the sender serves the file itself. */
  get live(): boolean {
    return this.#live;
  }

  goLive(): void {
    this.#live = true;
  }

  sendFileControl(ctl: FileControl): boolean {
    if (ctl.op === 'done' || ctl.op === 'cancel') {
      this.connection.send({ t: 'file_release', peer: this.peer, fileId: ctl.fileId });
      // The sender, if online, learns it too; if not, the server's copy is gone anyway.
      this.link().sendFileControl(ctl);
      return true;
    }
    if (this.#live) return this.link().sendFileControl(ctl);
    if (ctl.op === 'want') return this.connection.send({ t: 'file_fetch', from: this.peer, fileId: ctl.fileId, next: ctl.from });
    return true; // an ack: the server streams at the receiver's pace without them
  }

  send(id: string, env: string): boolean {
    return this.link().send(id, env);
  }

  ack(ids: readonly string[]): void {
    this.link().ack(ids);
  }

  refuse(ids: readonly string[]): void {
    this.link().refuse(ids);
  }

  sendChunk(bytes: Uint8Array): boolean {
    return this.link().sendChunk(bytes);
  }

  get bufferedAmount(): number {
    return this.link().bufferedAmount;
  }

  waitForDrain(lowWater: number): Promise<void> {
    return this.link().waitForDrain(lowWater);
  }

  close(): void {
    // The contact's link is not this adapter's to close.
  }
}
