/**
 * `npm run announce -- "text"`: sends an operator announcement to every user.
 * - With ADMIN_SECRET set, it posts to the running server on this box (PORT, default 8080), which
 *   stores it and hands it to every online user at once.
 * - Otherwise (or with ANNOUNCE_DIRECT=1) it writes it into the configured storage itself (the
 *   SQLite file in DATA_DIR, or Redis with REDIS_URL): users get it at their next login.
 */
import { ANNOUNCEMENT_LIMITS, AnnouncementText } from '../shared/protocol-announcements';
import { loadConfig } from './config';
import { SqliteStore } from './store/sqlite/sqlite-store';
import type { Store } from './store/store';

const text = process.argv.slice(2).join(' ');
const parsed = AnnouncementText.safeParse(text);
if (!parsed.success) {
  console.error(`usage: npm run announce -- "text" (1 to ${ANNOUNCEMENT_LIMITS.maxChars} characters)`);
  process.exit(2);
}
const config = loadConfig();
// Only the announcements are touched; the queue's limits are the server's own, as the store wants them.
const limits = { quotaMessages: config.limits.offlineQuotaMessages, quotaBytes: config.limits.offlineQuotaBytes, ttlMs: config.limits.offlineTtlMs };

if (config.adminSecret && process.env.ANNOUNCE_DIRECT !== '1') {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const res = await fetch(`http://${host}:${config.port}/admin/announcements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: parsed.data }),
  });
  if (!res.ok) {
    console.error(`the server answered ${res.status}: ${await res.text()}`);
    process.exit(1);
  }
  console.log(`announcement ${((await res.json()) as { id: number }).id} sent to every user (live to those online)`);
} else {
  let store: Store;
  if (config.cluster) {
    const { openRedisStore } = await import('./store/redis/redis-store');
    store = await openRedisStore({ url: config.cluster.redisUrl, filesDir: config.cluster.filesDir, ...limits });
  } else {
    store = new SqliteStore({ dataDir: config.dataDir, ...limits });
  }
  const item = await store.announcements.add(parsed.data);
  await store.close();
  console.log(`announcement ${item.id} stored: users see it at their next login (set ADMIN_SECRET to reach online users at once)`);
}
