/** Entry point: `npm start`. Configuration comes from the environment (see config.ts, README). */
import pino from 'pino';
import { loadConfig } from './config';
import { createParleyServer } from './server';
import { SqliteStore } from './store/sqlite-store';

const config = loadConfig();
const log = pino({ level: config.logLevel });
const store = new SqliteStore({
  dataDir: config.dataDir,
  quotaMessages: config.limits.offlineQuotaMessages,
  quotaBytes: config.limits.offlineQuotaBytes,
  ttlMs: config.limits.offlineTtlMs,
  fileMaxBytes: config.limits.offlineFileMaxBytes,
  filesQuotaBytes: config.limits.offlineFilesQuotaBytes,
});
const server = createParleyServer({ config, store, log });
const port = await server.start();
// Tests and tools read this line to learn the port when PORT=0.
console.log(`PARLEY_LISTENING ${port}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  await server.stop();
  store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
