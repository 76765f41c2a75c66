import type { Sodium } from '../../../shared/sodium';
import type { TransferRecord } from '../storage/db';
import type { Link } from '../peer/link';

/** What a transfer, either way, is given: the file's key and id, the contact's link, and where to report. */
export interface TransferDeps {
  sodium: Sodium;
  key: Uint8Array;
  fileId: Uint8Array;
  link: () => Link;
  /** Persists the record and tells the UI (a change of state). */
  changed: (record: TransferRecord) => void;
  /** Tells the UI only (progress). */
  progressed: (record: TransferRecord) => void;
}
