/**
 * How a member reaches a file posted in a group: the Link face an IncomingTransfer uses, over the
 * group's one copy on the server. Its peer is the name the server streams the copy under,
 * `g:<group>:<uploader>` (shared/group-file-names.ts), which is also the reception's record.peer,
 * so its chunks find it. `want` becomes `group_file_fetch` from that chunk; acknowledgements and
 * the end stay home: the server needs no acks, and the copy is every member's, so nobody but the
 * uploader releases it. Nothing else goes this way (no envelopes, no chunks up).
 */
import { parseGroupFileName } from '../../../shared/group-file-names';
import type { FileControl } from '../../../shared/peer-protocol';
import type { Connection } from '../net/connection';
import type { Link, LinkPath } from '../peer/link';

export class GroupFileLink implements Link {
  readonly path: LinkPath = 'relay';
  readonly bufferedAmount = 0;

  constructor(
    readonly peer: string,
    private readonly connection: Pick<Connection, 'send'>,
  ) {}

  sendFileControl(ctl: FileControl): boolean {
    if (ctl.op !== 'want') return true;
    const source = parseGroupFileName(this.peer);
    if (!source?.uploader) return false;
    return this.connection.send({ t: 'group_file_fetch', group: source.group, from: source.uploader, fileId: ctl.fileId, next: ctl.from });
  }

  send(): boolean {
    return false;
  }

  ack(): void {}

  refuse(): void {}

  sendChunk(): boolean {
    return false;
  }

  waitForDrain(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}
}
