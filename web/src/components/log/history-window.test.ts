// The log's window on a conversation, over a real History on fake-indexeddb and the messenger's
// own events: it opens at the latest page, the first unread or one message; older and newer pages
// move it without ever holding more than MAX_WINDOW; live changes update it in place, a new
// message joins it (counted when the reader is not at the bottom), and a change that names no
// message still brings in what is new.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { History, PAGE_SIZE } from '../../conversations/history';
import { ConversationEvent, type Messenger } from '../../conversations/messenger';
import { type Database, type StoredMessage, openDatabase } from '../../storage/db';
import { HistoryWindow, MAX_WINDOW, type WindowHost } from './history-window';

let db: Database;
let messenger: EventTarget & { history: History };
let host: WindowHost & { updates: number; atBottom: boolean };
let window: HistoryWindow;

const message = (i: number, dir: 'in' | 'out' = 'in'): StoredMessage => ({ conv: 'dm:bob', peer: 'bob', dir, id: `m${i}`, seq: (i + 1) * 1000, ts: i, text: `message ${i}`, state: 'delivered' });

async function seed(count: number): Promise<void> {
  const tx = db.transaction('messages', 'readwrite');
  for (let i = 0; i < count; i++) void tx.store.put(message(i));
  await tx.done;
}

const ids = () => window.messages.map((m) => m.id);

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
  messenger = Object.assign(new EventTarget(), { history: new History(db) });
  host = { updates: 0, atBottom: true, addController: () => undefined, removeController: () => undefined, requestUpdate: () => host.updates++, updateComplete: Promise.resolve(true) };
  window = new HistoryWindow(host, () => messenger as unknown as Messenger);
  window.hostConnected();
});
afterEach(() => {
  window.hostDisconnected();
  db.close();
});

describe('HistoryWindow', () => {
  it('opens at the latest page, the first unread, or one message, with where the view goes', async () => {
    await seed(500);
    await window.open('dm:bob');
    expect(ids()).toHaveLength(PAGE_SIZE);
    expect(window.messages.at(-1)!.id).toBe('m499');
    expect(window.focus).toEqual({ center: false });
    await window.open('dm:bob', { kind: 'unread', count: 120 });
    expect(window.focus).toEqual({ key: 'in:m380', center: false });
    expect(ids()).toContain('m380');
    expect(window.hasNewer).toBe(true);
    await window.open('dm:bob', { kind: 'message', id: 'm42' });
    expect(window.focus).toEqual({ key: 'in:m42', center: true });
    expect(window).toMatchObject({ hasOlder: true, hasNewer: true });
  });

  it('moves up and down a page at a time and never holds more than MAX_WINDOW', async () => {
    await seed(1000);
    await window.open('dm:bob');
    for (let i = 0; i < 6; i++) await window.loadOlder();
    expect(ids()).toHaveLength(MAX_WINDOW);
    expect(window.messages[0]!.id).toBe(`m${1000 - 7 * PAGE_SIZE}`);
    expect(window.hasNewer).toBe(true);
    await window.loadNewer();
    expect(ids()).toHaveLength(MAX_WINDOW);
    expect(window.messages.at(-1)!.id).toBe(`m${1000 - 2 * PAGE_SIZE - 1}`);
    // Contiguous: every seq one step after the one before.
    expect(window.messages.every((m, i) => i === 0 || m.seq === window.messages[i - 1]!.seq + 1000)).toBe(true);
  });

  it('updates in place, adds what arrives, and counts it only while the reader is elsewhere', async () => {
    await seed(10);
    await window.open('dm:bob');
    const shown = window.messages[3]!;
    const found = await messenger.history.find('dm:bob', 'm3');
    found!.reactions = { bob: { emoji: '👍', ts: 1 } };
    const before = host.updates;
    messenger.dispatchEvent(new ConversationEvent('dm:bob', found));
    expect(host.updates).toBe(before + 1);
    expect(window.messages[3]).toBe(shown); // the same shared copy, now with the reaction
    expect(shown.reactions).toBeDefined();

    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt(message(10))));
    expect(window.newBelow).toBe(0);
    host.atBottom = false;
    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt(message(11))));
    expect(window.newBelow).toBe(1);
    expect(ids().slice(-2)).toEqual(['m10', 'm11']);
    messenger.dispatchEvent(new ConversationEvent('dm:carol', message(12)));
    expect(ids()).toHaveLength(12);

    // A change that names no message: what is new after the window is read in.
    await db.put('messages', message(12));
    messenger.dispatchEvent(new ConversationEvent('dm:bob'));
    await vi.waitFor(() => expect(ids().at(-1)).toBe('m12'));
    expect(window.newBelow).toBe(2);
    await window.toLatest();
    expect(window.newBelow).toBe(0);
  });

  it('puts what arrives in a conversation whose only message is a scheduled one before it', async () => {
    await window.open('dm:bob');
    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt({ ...message(99, 'out'), held: true as const })));
    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt(message(1, 'out'))));
    expect(ids()).toEqual(['m1', 'm99']);
  });

  it('puts what arrives before a scheduled message waiting at the end in its place, not after it', async () => {
    await seed(5);
    await window.open('dm:bob');
    // One's own scheduled message waits at its time, far after now (conversations/scheduled.ts).
    const scheduled = { ...message(99, 'out'), held: true as const };
    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt(scheduled)));
    expect(ids().at(-1)).toBe('m99');
    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt(message(5))));
    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt(message(6, 'out'))));
    expect(ids().slice(-3)).toEqual(['m5', 'm6', 'm99']);
    // Above the window's start, with older pages not read, it is still left out (its page comes when the reader goes up).
    window.hasOlder = true;
    messenger.dispatchEvent(new ConversationEvent('dm:bob', { ...message(-1), seq: 1 }));
    expect(ids()).not.toContain('m-1');
  });

  it('sends the view to the bottom for what the reader sends, reloading the latest when the window is elsewhere', async () => {
    await seed(300);
    await window.open('dm:bob', { kind: 'message', id: 'm10' });
    const mine: StoredMessage = { ...message(300, 'out'), state: 'sending' };
    await db.put('messages', mine);
    messenger.dispatchEvent(new ConversationEvent('dm:bob', messenger.history.adopt(mine)));
    expect(window.sentHere).toBe(true);
    await vi.waitFor(() => expect(window.hasNewer).toBe(false));
    expect(window.messages.at(-1)!.id).toBe('m300');
  });
});
