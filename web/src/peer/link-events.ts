/**
 * What links report on their shared event target (Links), whichever path it came by: a change of
 * path, and what arrives beside envelopes (file chunks, file control, transient signals).
 */
import type { FileControl } from '../../../shared/peer-protocol';

/** The link to `peer` changed path. */
export class PathEvent extends Event {
  constructor(readonly peer: string) {
    super('path');
  }
}

/** A sealed file chunk from the contact, on either path. */
export class ChunkEvent extends Event {
  constructor(
    readonly peer: string,
    readonly bytes: Uint8Array,
  ) {
    super('chunk');
  }
}

/** File transfer control from the contact, on either path. */
export class FileControlEvent extends Event {
  constructor(
    readonly peer: string,
    readonly ctl: FileControl,
  ) {
    super('file-control');
  }
}

/** A sealed transient signal (typing) from the contact, on either path. */
export class TransientEvent extends Event {
  constructor(
    readonly peer: string,
    readonly id: string,
    readonly env: string,
  ) {
    super('transient');
  }
}
