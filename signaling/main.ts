/** Entry point: `npm start`. Configuration comes from the environment (see config.ts, README). */
import pino from 'pino';
import { loadConfig } from './config';
import { createParleyServer } from './server';
import { SqliteStore } from './store/sqlite/sqlite-store';
import { SqliteGauges } from './store/sqlite/sqlite-gauges';

const config = loadConfig();
const log = pino({ level: config.logLevel });
const limits = config.limits;
// Whatever the server writes (the database, its WAL) is for the server's user alone.
process.umask(0o077);
const store = new SqliteStore({
  dataDir: config.dataDir,
  quotaMessages: limits.offlineQuotaMessages,
  quotaBytes: limits.offlineQuotaBytes,
  ttlMs: limits.offlineTtlMs,
  senderSharePercent: limits.offlineSenderSharePercent,
  receiptsMax: limits.offlineQuotaReceipts,
  fileMaxBytes: limits.offlineFileMaxBytes,
  filesQuotaBytes: limits.offlineFilesQuotaBytes,
  filesPerRecipient: limits.offlineFilesPerRecipient,
  requestsMaxIncoming: limits.requestsMaxIncoming,
  requestsMaxOutgoing: limits.requestsMaxOutgoing,
  requestsMaxFromNew: limits.requestsMaxFromNew,
  newAccountMs: limits.newAccountMs,
  requestTtlMs: limits.requestTtlMs,
  requestCooldownMs: limits.requestCooldownMs,
  diskBudgetBytes: limits.diskBudgetBytes,
  diskMinFreeBytes: limits.diskMinFreeBytes,
});
const server = createParleyServer({ config, store, log, storeGauges: new SqliteGauges(config.dataDir) });
const port = await server.start();
// Tests and tools read this line to learn the port when PORT=0.
console.log(`PARLEY_LISTENING ${port}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  await server.stop();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
