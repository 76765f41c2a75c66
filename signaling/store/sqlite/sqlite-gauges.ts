/**
 * The metrics' store gauges for the SQLite backend, on a read-only connection of their own to the
 * same database (WAL lets it read beside the writer without blocking it), so metrics need nothing
 * of the store's interfaces. Opened on the first scrape: a server with metrics off never opens it.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { StoreGauges } from '../../metrics';

export class SqliteGauges implements StoreGauges {
  #db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  #open(): Database.Database {
    this.#db ??= new Database(path.join(this.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true });
    return this.#db;
  }

  async queueDepth(): Promise<number> {
    return (this.#open().prepare('SELECT COUNT(*) AS n FROM queue').get() as { n: number }).n;
  }

  async storedFileBytes(): Promise<number> {
    return (this.#open().prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM stored_files').get() as { n: number }).n;
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }
}
