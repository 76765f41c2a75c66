// What one 1:1 message costs the client (review M7), measured on bob's real Messenger (fake
// IndexedDB, real sealing, real Links) with a conversation of HISTORY messages already stored and
// the search index wired as the app wires it (app-services.ts) and warmed, a query standing in
// the Search box (the list runs it again when the index's version moves). Counted per message:
// IndexedDB write requests by store, records read back for searching, the conversation states'
// `change` events (each one re-renders the list and the app's title) and the standing searches.
// Prints the figures (`npx vitest run web/src/conversations/message-cost.test.ts`) and holds the
// budgets: one write of the conversation's record per arrival, no search work for a receipt.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientFrame } from '../../../shared/protocol';
import type { StoredMessage } from '../storage/db';
import { dmId } from './conversation-id';
import type { ConversationEvent } from './messenger-events';
import { SearchIndex } from './search-index';
import { useTestWorld } from './test-device';

const world = useTestWorld();
const HISTORY = 5000;
const MESSAGES = 40;

/** IndexedDB requests by kind and store, counted on fake-indexeddb's prototypes. */
function countRequests() {
  const writes = new Map<string, number>();
  let readRecords = 0;
  const restore: Array<() => void> = [];
  const wrap = (proto: Record<string, unknown>, method: string, count: (self: { name: string; objectStore?: { name: string } }, result: unknown) => void) => {
    const original = proto[method] as (...a: unknown[]) => unknown;
    proto[method] = function (this: never, ...args: unknown[]) {
      const request = original.apply(this, args) as IDBRequest;
      count(this, request);
      return request;
    };
    restore.push(() => (proto[method] = original));
  };
  const storeProto = globalThis.IDBObjectStore.prototype as unknown as Record<string, unknown>;
  const indexProto = globalThis.IDBIndex.prototype as unknown as Record<string, unknown>;
  for (const method of ['put', 'add', 'delete']) wrap(storeProto, method, (s) => writes.set(s.name, (writes.get(s.name) ?? 0) + 1));
  for (const proto of [storeProto, indexProto]) {
    wrap(proto, 'getAll', (_s, request) => (request as IDBRequest).addEventListener('success', (e) => (readRecords += ((e.target as IDBRequest).result as unknown[]).length)));
  }
  return {
    writes,
    get readRecords() {
      return readRecords;
    },
    reset() {
      writes.clear();
      readRecords = 0;
    },
    restore: () => restore.forEach((r) => r()),
  };
}

let requests: ReturnType<typeof countRequests>;
beforeEach(() => void (requests = countRequests()));
afterEach(() => requests.restore());

async function bobWithHistory() {
  const device = await world.device('bob');
  const { messenger } = device;
  const conv = dmId('alice');
  const tx = world.db.transaction('messages', 'readwrite');
  const start = Date.now() - HISTORY * 60_000;
  for (let i = 0; i < HISTORY; i++) {
    const m: StoredMessage = { conv, peer: 'alice', dir: i % 2 ? 'in' : 'out', id: `old-${i}`, seq: (start + i) * 1000, ts: start + i, text: `old message ${i} about the harbour`, state: 'read' };
    void tx.store.put(m);
  }
  await tx.done;
  const index = new SearchIndex(world.db);
  messenger.addEventListener('conversation', (e) => {
    const { conv, message, removed } = e as ConversationEvent;
    index.changed(conv, message, removed);
  });
  await index.search('harbour');
  // The list: the standing query runs again when the index says what it finds may have changed.
  const standing = { runs: 0, ms: 0, version: -1 as number | undefined };
  const searches: Promise<unknown>[] = [];
  messenger.addEventListener('conversation', () => {
    const version = (index as { version?: number }).version;
    if (version !== undefined && version === standing.version) return;
    standing.version = version;
    standing.runs++;
    const t0 = performance.now();
    searches.push(index.search('harbour').then(() => (standing.ms += performance.now() - t0)));
  });
  let changes = 0;
  messenger.states.addEventListener('change', () => changes++);
  return { ...device, standing, searches, changes: () => changes, index };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function report(what: string, n: number, cost: { writes: Map<string, number>; readRecords: number; changes: number; searches: number; searchMs: number; ms: number }) {
  const per = (x: number) => (x / n).toFixed(2);
  const writes = [...cost.writes].sort().map(([store, count]) => `${store} ${per(count)}`).join(', ');
  console.log(
    `message cost, ${what} (${n} messages, ${HISTORY} in the conversation): per message ${per(cost.ms)} ms; IndexedDB writes: ${writes}; ` +
      `records read for search ${per(cost.readRecords)}; states change events ${per(cost.changes)}; standing searches ${per(cost.searches)} (${per(cost.searchMs)} ms)`,
  );
}

describe('what one 1:1 message costs the client', () => {
  it('an arrival in a conversation not open: one write of its record, one change event, the index updated in place', async () => {
    const bob = await bobWithHistory();
    requests.reset();
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const id = `new-${String(i).padStart(4, '0')}`;
      await bob.handle({ t: 'deliver', from: 'alice', id, env: world.seal('alice', 'bob', id, { kind: 'text', text: `new harbour ${i}` }), ts: 1 });
      await Promise.all(bob.searches);
    }
    await settle();
    const ms = performance.now() - t0;
    report('received', MESSAGES, { writes: requests.writes, readRecords: requests.readRecords, changes: bob.changes(), searches: bob.standing.runs, searchMs: bob.standing.ms, ms });
    expect(requests.writes.get('messages')).toBe(MESSAGES);
    expect(requests.writes.get('conversations')).toBe(MESSAGES);
    expect(bob.changes()).toBe(MESSAGES);
    expect(requests.readRecords).toBe(0);
    expect(bob.messenger.states.unread(dmId('alice'))).toBe(MESSAGES);
    expect(bob.messenger.states.last(dmId('alice'))?.text).toBe(`new harbour ${MESSAGES - 1}`);
    expect((await bob.index.search('new harbour 7')).map((h) => h.id)).toEqual(['new-0007']);
  });

  it('a sent message and its receipts: the receipts run no search and read nothing back', async () => {
    const bob = await bobWithHistory();
    const frames = bob.frames as ClientFrame[];
    requests.reset();
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      await bob.messenger.send('alice', `sent harbour ${i}`);
      const sent = frames.filter((f) => f.t === 'send').at(-1) as Extract<ClientFrame, { t: 'send' }>;
      await bob.handle({ t: 'stored', id: sent.id });
      await bob.handle({ t: 'delivered', by: 'alice', ids: [sent.id] });
      await Promise.all(bob.searches);
    }
    await settle();
    const ms = performance.now() - t0;
    report('sent, stored, delivered', MESSAGES, { writes: requests.writes, readRecords: requests.readRecords, changes: bob.changes(), searches: bob.standing.runs, searchMs: bob.standing.ms, ms });
    expect(bob.standing.runs).toBe(MESSAGES); // once for each new text, never for its receipts
    expect(requests.readRecords).toBe(0);
    expect(requests.writes.get('conversations')).toBe(MESSAGES);
  });
});
