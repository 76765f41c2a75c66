/** Entry point: `npm start`. Configuration comes from the environment (see config.ts, README). */
import pino from 'pino';
import { openBackend } from './backend';
import { loadConfig } from './config';
import { createParleyServer } from './server';

const config = loadConfig();
const log = pino({ level: config.logLevel });
// Whatever the server writes (the database, its WAL, stored files) is for the server's user alone.
process.umask(0o077);
const backend = await openBackend(config, log);
const server = createParleyServer({ config, store: backend.store, log, router: backend.router, storeGauges: backend.storeGauges, schedule: backend.schedule });
backend.attachOps?.(server.ops);
const port = await server.start();
// Tests and tools read this line to learn the port when PORT=0.
console.log(`PARLEY_LISTENING ${port}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  // Connections close first (in a cluster their users' presence is released and contacts told), then Redis or SQLite.
  await server.stop();
  await backend.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
