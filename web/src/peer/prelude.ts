/**
 * Node globals simple-peer (and its readable-stream) expect, for the browser bundle. Imported
 * before simple-peer: ES modules evaluate their imports in order.
 */
import { Buffer } from 'buffer';
import process from 'process/browser.js';

const g = globalThis as unknown as { global?: unknown; Buffer?: unknown; process?: typeof process };
g.global ??= globalThis;
g.Buffer ??= Buffer;
g.process ??= process;
// The shim's nextTick is setTimeout(0), clamped to 4 ms: stream writes would crawl. A microtask
// has the same "after this job" meaning without the clamp.
g.process.nextTick = (fn: (...args: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args));
