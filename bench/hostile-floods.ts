/**
 * The floods of the hostile-load benchmark, written from the protocol (PROTOCOL.md,
 * shared/protocol.ts), not from the server's defences: each one does what a determined outsider or
 * a hostile contact can do, at full speed, bounded in time, on loopback. This module holds what
 * they share; the floods are in hostile-floods-contacts.ts (by someone the victim accepted),
 * hostile-floods-strangers.ts (fresh accounts) and hostile-floods-connections.ts (no account),
 * listed in hostile-flood-list.ts.
 */
import type { Sodium } from '../shared/sodium';
import { type Live, closeSocket, loopback, registerAt } from './hostile-net';
import { type VictimFigures } from './hostile-victim';
import { mapLimit } from './parley-client';

export interface FloodOptions {
  /** Accounts made beforehand, from many addresses, for the spread contact-request flood. */
  spreadAccounts: number;
  /** The spread flood runs until each of them has asked, at most this long. */
  spreadDeadlineMs: number;
  /** How long the connection floods hold what they opened (past the server's login deadline). */
  holdMs: number;
  idleConnections: number;
  /** The same from many addresses: more than a small server should hold at once. */
  idleSpreadConnections: number;
  unauthConnections: number;
  bigFrameConnections: number;
  /** How long a victim's login and hand-over may take before it is given up. */
  victimDeadlineMs: number;
}

export interface FloodContext {
  sodium: Sodium;
  port: number;
  /** The attacker's own address for this flood (helper accounts get addresses of their own). */
  address: string;
  o: FloodOptions;
}

export interface AttackReport {
  /** What the attacker did, with counts. */
  did: string;
  /** What the server answered the attacker, by kind: error codes, closes, HTTP refusals. */
  server: Record<string, number>;
  /** Labelled figures of the flood's outcome (the victim's login, what was stored...). */
  figures: Record<string, number | string>;
}

export interface Flood {
  /** Accounts and contacts the flood needs, made before the baseline is measured; may say what it made. */
  setup(): Promise<string | undefined>;
  /** Runs the flood for `durationMs` (and what follows it, such as the victim's login), then reports. */
  run(durationMs: number): Promise<AttackReport>;
  /** Closes every socket the flood still holds. */
  close(): Promise<void>;
}

export interface FloodKind {
  title: string;
  make: (ctx: FloodContext) => Flood;
}

/** Helper accounts of a flood (its victim, its throwaways), each registered from an address of its own. */
export function accounts(ctx: FloodContext, names: string[]): Promise<Live[]> {
  return mapLimit(names, 8, (name, i) => registerAt(ctx.sodium, ctx.port, name, loopback(3, i)));
}

export async function closeAll(lives: Iterable<Live>): Promise<void> {
  await Promise.all([...lives].map((l) => closeSocket(l.ws)));
}

/** The victim's login as report figures. */
export function victimFigures(v: VictimFigures): Record<string, number | string> {
  return {
    'victim login → welcome ms': Math.round(v.welcomeMs),
    'welcome bytes': v.welcomeBytes,
    'welcome pending requests': v.welcomeIncoming,
    'login → hand-over done ms': Math.round(v.settledMs),
    'bytes handed over': v.bytes,
    ...(v.receipts ? { 'receipts handed over': v.receipts } : {}),
    ...(v.messages ? { 'messages handed over': v.messages } : {}),
    ...(v.cutWith !== undefined ? { 'victim cut with close code': v.cutWith } : {}),
    ...(v.unfinished ? { 'hand-over unfinished at the deadline': 'yes' } : {}),
    ...(v.failed ? { 'victim login failed': v.failed } : {}),
  };
}
