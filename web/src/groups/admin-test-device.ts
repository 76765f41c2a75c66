/**
 * For the admin part's integration tests (admin.test.ts): a device that offers `GroupCore` over a
 * Node ParleyClient with real MLS state (shared/groups/), so GroupAdmin runs against a real
 * server exactly as in the browser, before and beside the real core (groups.ts). It is the least
 * core the admin part needs: one serial line for every change of MLS state, the log processed in
 * order (own commits adopted, not processed), Welcomes joined, events handed to
 * `admin.applyEvent`, commits retried after `stale_epoch`, asks answered or refused by `ref`.
 */
import {
  type Group,
  type GroupEnv,
  type OwnKeyPackage,
  createGroup,
  encrypt,
  epochOf,
  fromBase64Url,
  groupEnv,
  join,
  keyPackages,
  process,
  toBase64Url,
  type CommitResult,
} from '../../../shared/groups/index';
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import type { ParleyClient } from '../../../signaling/test-support/client';
import { FrameRouter } from '../net/frame-router';
import { ParleyError } from '../net/parley-error';
import { GroupAdmin } from './admin';
import type { GroupCore, GroupView } from './core';

export type Pins = Map<string, Uint8Array>;

interface Ask {
  answer: (f: ServerFrame) => boolean;
  refused: (f: ServerFrame) => boolean;
  resolve: (f: ServerFrame) => void;
  reject: (e: unknown) => void;
}

const ASK_TIMEOUT_MS = 8000;
/** The frames core's asks see (groups.ts), besides the answer to a ping this device's tests wait for. */
const ANSWERS = new Set<ServerFrame['t']>([
  'kp_claimed', 'group_created', 'group_results', 'group_requested', 'group_request', 'group_decided', 'group_committed', 'group_state', 'group_sent', 'error', 'pong',
]);
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

export class TestDevice implements GroupCore {
  readonly admin: GroupAdmin;
  readonly router = new FrameRouter();
  readonly views = new Map<string, GroupView>();
  readonly groups = new Map<string, Group>();
  /** Texts read from each group's log (others' messages), in order. */
  readonly texts = new Map<string, string[]>();
  /** Every group_log entry this device was handed, by group. */
  readonly entries = new Map<string, ServerFrameOf<'group_log'>[]>();
  readonly #asks = new Set<Ask>();
  readonly #own: OwnKeyPackage[] = [];
  #line: Promise<unknown> = Promise.resolve();
  #stopped = false;

  private constructor(
    readonly client: ParleyClient,
    readonly env: GroupEnv,
  ) {
    this.admin = new GroupAdmin(this);
    this.admin.attach(this.router);
    this.router.on('group_welcome', (f) => this.#inLine(() => this.#join(f)));
    this.router.on('group_log', (f) => this.#inLine(() => this.#entry(f)));
    this.router.on('group_removed', (f) => this.patch(f.group, { removed: f.reason }));
  }

  /** A device of a logged-in client: its key is pinned in `pins`, it uploads KeyPackages, then reads every frame. */
  static async start(client: ParleyClient, pins: Pins, kps = 4): Promise<TestDevice> {
    pins.set(client.username, client.identity!.publicKey);
    const env = await groupEnv(async (user, key) => {
      const pinned = pins.get(user);
      return pinned !== undefined && client.sodium.memcmp(pinned, key);
    });
    const device = new TestDevice(client, env);
    const own = await keyPackages(env, client.sodium, client.identity!, kps);
    device.#own.push(...own);
    client.send({ t: 'kp_upload', kps: own.map((k) => toBase64Url(k.publicPackage)) });
    await client.next('kp_count');
    void device.#pump();
    return device;
  }

  get me(): string {
    return this.client.username;
  }

  view(id: string): GroupView | undefined {
    return this.views.get(id);
  }

  send(frame: ClientFrame): boolean {
    if (!this.client.isOpen) return false;
    this.client.send(frame);
    return true;
  }

  ask<F extends ServerFrame>(frame: ClientFrame, answer: (f: ServerFrame) => f is F, refs: readonly string[]): Promise<F> {
    return this.#await(frame, answer, (f) => f.t === 'error' && f.ref !== undefined && refs.includes(f.ref)) as Promise<F>;
  }

  /** Sends `frame`; the first frame `answer` takes, or the ParleyError of the first error `refused` takes. */
  #await(frame: ClientFrame, answer: (f: ServerFrame) => boolean, refused: (f: ServerFrame) => boolean): Promise<ServerFrame> {
    return new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new ParleyError('unavailable'))), ASK_TIMEOUT_MS);
      const settle = (then: () => void) => (clearTimeout(timer), this.#asks.delete(ask), then());
      const ask: Ask = { answer, refused, resolve: (f) => settle(() => resolve(f)), reject: (e) => settle(() => reject(e)) };
      this.#asks.add(ask);
      if (!this.send(frame)) ask.reject(new ParleyError('offline'));
    });
  }

  async commit(id: string, build: (group: Group) => Promise<CommitResult>): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stale = await this.#inLine(async () => {
        const group = this.groups.get(id);
        if (!group) throw new ParleyError('not_member');
        const epoch = epochOf(group);
        const result = await build(group);
        const frame = { t: 'group_commit' as const, group: id, epoch, commit: toBase64Url(result.commit), ...(result.welcome ? { welcome: toBase64Url(result.welcome) } : {}) };
        // A refused Add names the user, not the group, in its `ref`.
        const refused = (f: ServerFrame) => f.t === 'error' && (f.ref === id || ['not_contact', 'banned', 'already_member'].includes(f.code));
        try {
          await this.#await(frame, (f) => f.t === 'group_committed' && f.group === id, refused);
        } catch (err) {
          if (err instanceof ParleyError && err.code === 'stale_epoch') return epoch;
          throw err;
        }
        this.groups.set(id, result.group);
        return undefined;
      });
      if (stale === undefined) return;
      // The winner's commit is in the log behind this line: let it be processed, then build again.
      await waitFor(() => epochOf(this.groups.get(id)!) > stale);
    }
    throw new ParleyError('stale_epoch');
  }

  async sendCard(id: string): Promise<void> {
    const view = this.views.get(id)!;
    await this.#sendPlain(id, { v: 1, ts: Date.now(), card: { name: view.name, ...(view.topic !== undefined ? { topic: view.topic } : {}) } });
  }

  async patch(id: string, change: Partial<Omit<GroupView, 'id' | 'conv'>>): Promise<void> {
    const view = this.views.get(id);
    if (view) this.views.set(id, { ...view, ...change });
  }

  /** A new group owned by this device (as core's `create`); its id. */
  async create(name: string, listed = true, joinPolicy: 'approval' | 'closed' = 'approval'): Promise<string> {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = toBase64Url(bytes);
    this.groups.set(id, await createGroup(this.env, this.client.sodium, this.client.identity!, bytes, { owner: this.me, admins: [] }));
    const settings = { listed, name: listed ? name : '', topic: '', joinPolicy, onlyAdminsSend: false, memberChats: false };
    this.views.set(id, { id, conv: `grp:${id}`, name, role: 'owner', settings, members: [{ user: this.me, role: 'owner' }], joinedAt: Date.now() });
    await this.ask({ t: 'group_create', group: id, listed, ...(listed ? { name } : {}), joinPolicy }, (f): f is ServerFrameOf<'group_created'> => f.t === 'group_created' && f.group === id, [id]);
    return id;
  }

  /** Sends a text in the group; resolves on `group_sent`, rejects with the server's code. */
  sendText(id: string, text: string): Promise<void> {
    return this.#sendPlain(id, { v: 1, ts: Date.now(), body: { kind: 'text', text } });
  }

  /** Resolves once `count` texts from others were read in `id`. */
  async read(id: string, count: number): Promise<string[]> {
    await waitFor(() => (this.texts.get(id)?.length ?? 0) >= count);
    return this.texts.get(id)!.slice(0, count);
  }

  /** A ping's round trip, then this device's line: everything the server sent before is handled. */
  async roundTrip(): Promise<void> {
    await this.#await({ t: 'ping' }, (f) => f.t === 'pong', () => false);
    await this.idle();
  }

  /** Resolves once everything queued in this device's line is done. */
  async idle(): Promise<void> {
    await this.router.idle();
    await this.#inLine(async () => undefined);
  }

  stop(): void {
    this.#stopped = true;
  }

  async #sendPlain(id: string, plain: unknown): Promise<void> {
    const msgId = `m-${crypto.randomUUID()}`;
    const frame = await this.#inLine(async () => {
      const group = this.groups.get(id);
      if (!group || this.views.get(id)?.removed) throw new ParleyError('not_member');
      const out = await encrypt(group, encode(plain));
      this.groups.set(id, out.group);
      return { t: 'group_send' as const, group: id, epoch: epochOf(group), id: msgId, env: toBase64Url(out.message) };
    });
    await this.#await(frame, (f) => f.t === 'group_sent' && f.id === msgId, (f) => f.t === 'error' && f.ref === msgId);
  }

  async #join(f: ServerFrameOf<'group_welcome'>): Promise<void> {
    const { group } = await join(this.env, this.client.sodium, this.client.identity!, fromBase64Url(f.welcome), this.#own);
    this.groups.set(f.group, group);
    const settings = { listed: false, name: '', topic: '', joinPolicy: 'approval' as const, onlyAdminsSend: false, memberChats: false };
    this.views.set(f.group, { id: f.group, conv: `grp:${f.group}`, name: f.group.slice(0, 6), role: 'member', settings, joinedAt: Date.now() });
  }

  async #entry(e: ServerFrameOf<'group_log'>): Promise<void> {
    this.entries.set(e.group, [...(this.entries.get(e.group) ?? []), e]);
    const group = this.groups.get(e.group);
    if (e.kind === 'event' && e.event) {
      const view = this.views.get(e.group);
      if (view) await this.admin.applyEvent(view, e.event, e.seq);
    } else if (group && e.from !== this.me && e.data) {
      const out = await process(group, fromBase64Url(e.data));
      this.groups.set(e.group, out.group);
      if (out.event.kind === 'message') this.#opened(e.group, JSON.parse(new TextDecoder().decode(out.event.data)));
    }
    this.send({ t: 'group_ack', group: e.group, upTo: e.seq });
  }

  #opened(id: string, plain: { card?: { name: string; topic?: string }; body?: { text: string } }): void {
    if (plain.card) void this.patch(id, { name: plain.card.name, ...(plain.card.topic !== undefined ? { topic: plain.card.topic } : {}) });
    if (plain.body) this.texts.set(id, [...(this.texts.get(id) ?? []), plain.body.text]);
  }

  #inLine<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#line.then(job);
    this.#line = run.catch(() => undefined);
    return run;
  }

  /** Takes every frame in arrival order: asks first, then the router (admin's frames, the log). */
  async #pump(): Promise<void> {
    while (!this.#stopped && this.client.isOpen) {
      let f: ServerFrame;
      try {
        f = await this.client.next(() => true, 60_000);
      } catch {
        return;
      }
      // As core's Groups does (groups.ts ANSWERS): the log and removals are not answers to asks.
      if (!ANSWERS.has(f.t)) {
        this.router.route(f);
        continue;
      }
      for (const ask of [...this.#asks]) {
        if (ask.answer(f)) ask.resolve(f);
        else if (f.t === 'error' && ask.refused(f)) ask.reject(ParleyError.fromFrame(f));
      }
      this.router.route(f);
    }
  }
}

/** Polls until `ok()` (the test's timeout bounds it). */
export async function waitFor(ok: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
