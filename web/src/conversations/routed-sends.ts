/**
 * Messages whose envelope another service makes and sends (a group's: the group service encrypts
 * the job's plaintext with MLS at each (re)send): recorded and kept in the outbox like any
 * message, but sent through the route registered for their job kind, never through a Link, and
 * settled by what that service hears from the server (sent, back in the log, refused).
 */
import type { Database, OutboxEntry, OutboxKind, StoredMessage } from '../storage/db';
import type { ConversationId } from './conversation-id';
import { applyOutcome } from './message-outcome';
import type { Outbox } from './outbox';

/** Sends (seals anew, if it must) one job of a routed kind; one it cannot send now stays queued. */
export type JobRoute = (entry: OutboxEntry) => void;

export interface RoutedDeps {
  db: Database;
  outbox: Outbox;
  find: (conv: ConversationId, id: string) => Promise<StoredMessage | undefined>;
  changed: (conv: ConversationId, message?: StoredMessage) => void;
  failMessage: (message: StoredMessage, code: string | undefined) => Promise<void>;
}

export class RoutedSends {
  readonly #routes = new Map<OutboxKind, JobRoute>();

  constructor(private readonly d: RoutedDeps) {}

  /** `kind`'s jobs go through `route` from now on (and those waiting go at the next resend). */
  route(kind: OutboxKind, route: JobRoute): void {
    this.#routes.set(kind, route);
  }

  /** Kinds that are only ever routed: without their route a job waits, it never falls back to a Link. */
  static readonly ROUTED_ONLY: ReadonlySet<OutboxKind> = new Set(['group', 'schedule']);

  /** True when `entry` was handled here (sent through its route, or left waiting for one). */
  send(entry: OutboxEntry): boolean {
    const route = this.#routes.get(entry.kind);
    if (route) {
      route(entry);
      return true;
    }
    return RoutedSends.ROUTED_ONLY.has(entry.kind);
  }

  /**
   * The server took message `id` of `conv` ('sent': the job leaves the outbox) or it came back
   * to this device in the conversation's log ('delivered').
   */
  async settle(conv: ConversationId, id: string, outcome: 'sent' | 'delivered'): Promise<void> {
    if (!(await this.#drop(conv, id))) return;
    const message = await this.d.find(conv, id);
    if (!message || !applyOutcome(message, outcome)) return;
    this.d.changed(conv, message);
    await this.d.db.put('messages', message);
  }

  /** The server refused message `id` for good (`code`: muted, admins_only, not_member…): it shows failed. */
  async fail(conv: ConversationId, id: string, code: string): Promise<void> {
    if (!(await this.#drop(conv, id))) return;
    const message = await this.d.find(conv, id);
    if (message && message.state !== 'delivered' && message.state !== 'read') await this.d.failMessage(message, code);
  }

  /** `entry` takes the place of its id's job (its route's state changed, or it became another kind): kept, and sent. */
  async requeue(entry: OutboxEntry): Promise<void> {
    await this.d.db.put('outbox', entry);
    this.d.outbox.add(entry);
  }

  /** `entry`, its route's note on it changed (a group schedule's epoch), takes its id's place: stored, not sent again. */
  async note(entry: OutboxEntry): Promise<void> {
    if (!this.d.outbox.get(entry.id)) return; // answered meanwhile: nothing to keep
    this.d.outbox.keep(entry);
    await this.d.db.put('outbox', entry);
  }

  /** The job `id` of `conv` leaves the outbox (answered for good); false when it is another conversation's. */
  remove(conv: ConversationId, id: string): Promise<boolean> {
    return this.#drop(conv, id);
  }

  /** One's own message `id` of `conv` changed by `change` (true when it did): stored and shown. */
  async update(conv: ConversationId, id: string, change: (message: StoredMessage) => boolean): Promise<void> {
    const message = await this.d.find(conv, id);
    if (!message || !change(message)) return;
    this.d.changed(conv, message);
    await this.d.db.put('messages', message);
  }

  /** The routed job `id`, when one waits. */
  job(id: string): OutboxEntry | undefined {
    const entry = this.d.outbox.get(id);
    return entry && this.#routes.has(entry.kind) ? entry : undefined;
  }

  /** Every job of routed `kind` still waiting, in every conversation. */
  ofKind(kind: OutboxKind): OutboxEntry[] {
    return this.d.outbox.all().filter((e) => e.kind === kind);
  }

  /** Every routed job of `conv` still waiting (to resend them in order, or fail them when the conversation ends). */
  waiting(conv: ConversationId): OutboxEntry[] {
    return this.d.outbox.all().filter((e) => e.conv === conv && this.#routes.has(e.kind));
  }

  /** The job `id` of `conv` leaves the outbox; false when `id` is another conversation's job. */
  async #drop(conv: ConversationId, id: string): Promise<boolean> {
    const entry = this.d.outbox.get(id);
    if (entry && entry.conv !== conv) return false;
    this.d.outbox.forget(id);
    const tx = this.d.db.transaction('outbox', 'readwrite');
    const queued = await tx.store.get(id);
    if (queued?.conv === conv) await tx.store.delete(id);
    await tx.done;
    return true;
  }
}
