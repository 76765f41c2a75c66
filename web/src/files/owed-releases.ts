/**
 * Copies left with the server that this device has let go of (their message was deleted) and
 * must tell the server to delete: `file_release` is answered with nothing and a frame sent while
 * logged out is dropped, so one that cannot go now is kept (in the settings store: a contact's
 * name and a random file id, no content) and sent at the next login. Without this a copy deleted
 * while offline would hold the recipient's quota on the server for its whole lifetime.
 */
import { parseGroupFileName } from '../../../shared/group-file-names';
import type { ClientFrame } from '../../../shared/protocol';
import type { Connection } from '../net/connection';
import type { Database } from '../storage/db';

/** The settings key the releases still owed are kept under. */
export const OWED_RELEASES = 'files.owedReleases';
/** The most kept; past it the oldest go (the server lets them expire anyway). */
const MAX_OWED = 1000;

type Owed = { peer: string; fileId: string };

/** The release of a copy kept between this user and `peer`, or (peer `g:<group>`) of this user's copy posted in a group. */
function releaseFrame(peer: string, fileId: string): ClientFrame {
  const group = parseGroupFileName(peer)?.group;
  return group ? { t: 'group_file_release', group, fileId } : { t: 'file_release', peer, fileId };
}

export class OwedReleases {
  /** Reads and writes of the list, one after another (two deletes at once must not lose one). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly connection: Pick<Connection, 'send'>,
  ) {}

  /** Tells the server to delete the copy of `fileId` kept between this user and `peer`: now, or at the next login. */
  release(peer: string, fileId: string): Promise<void> {
    if (this.connection.send(releaseFrame(peer, fileId))) return Promise.resolve();
    return this.#update((owed) => [...owed.filter((o) => o.fileId !== fileId), { peer, fileId }].slice(-MAX_OWED));
  }

  /** Logged in: sends every release still owed. */
  loggedIn(): Promise<void> {
    return this.#update((owed) => owed.filter((o) => !this.connection.send(releaseFrame(o.peer, o.fileId))));
  }

  #update(change: (owed: Owed[]) => Owed[]): Promise<void> {
    const run = this.#queue.then(async () => {
      const stored = await this.db.get('settings', OWED_RELEASES);
      const owed = Array.isArray(stored) ? (stored as Owed[]) : [];
      const next = change(owed);
      if (owed.length === 0 && next.length === 0) return; // nothing owed, nothing to write
      await (next.length > 0 ? this.db.put('settings', next, OWED_RELEASES) : this.db.delete('settings', OWED_RELEASES));
    });
    this.#queue = run.catch(() => {});
    return run;
  }
}
