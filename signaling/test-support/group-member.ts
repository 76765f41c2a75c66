/**
 * A Node group member for integration tests: a ParleyClient with real MLS state from the MLS
 * module (shared/groups/), so the server sees the same KeyPackages, commits, Welcomes and
 * messages a browser sends. Members trust the identity keys in one shared `pins` map, as
 * contacts' pinned keys in the app.
 */
import {
  type Group,
  type GroupEnv,
  type OwnKeyPackage,
  add,
  createGroup,
  encrypt,
  epochOf,
  fromBase64Url,
  groupEnv,
  join,
  joinTreeParts,
  keyPackages,
  needsParts,
  packCommit,
  process,
  remove,
  rolesOf,
  setRoles,
  toBase64Url,
  treeParts,
} from '../../shared/groups';
import type { ServerFrame, ServerFrameOf } from '../../shared/protocol';
import type { ParleyClient } from './client';

export type Pins = Map<string, Uint8Array>;

const isError = (f: ServerFrame): f is ServerFrameOf<'error'> => f.t === 'error';

export class GroupMember {
  readonly groups = new Map<string, Group>();
  /** Plaintexts read from each group's log, in order. */
  readonly read = new Map<string, string[]>();
  /** Seqs of log entries that came announced (over a frame) and were fetched in parts. */
  readonly fetched: number[] = [];
  /** The Welcomes this member joined from, as they came. */
  readonly welcomes: ServerFrameOf<'group_welcome'>[] = [];
  #own: OwnKeyPackage[] = [];

  private constructor(
    readonly client: ParleyClient,
    readonly env: GroupEnv,
  ) {}

  static async of(client: ParleyClient, pins: Pins): Promise<GroupMember> {
    pins.set(client.username, client.identity!.publicKey);
    const env = await groupEnv((user, key) => {
      const pinned = pins.get(user);
      return pinned !== undefined && client.sodium.memcmp(pinned, key);
    });
    return new GroupMember(client, env);
  }

  /** A member of `client` (its key pinned in `pins`) with `count` KeyPackages on the server: ready to be added. */
  static async ready(client: ParleyClient, pins: Pins, count = 2): Promise<GroupMember> {
    const m = await GroupMember.of(client, pins);
    await m.uploadKeyPackages(count);
    return m;
  }

  get name(): string {
    return this.client.username;
  }

  /** Makes and uploads `count` KeyPackages; the server's count after. */
  async uploadKeyPackages(count = 2): Promise<number> {
    const kps = await keyPackages(this.env, this.client.sodium, this.client.identity!, count);
    this.#own.push(...kps);
    this.client.send({ t: 'kp_upload', kps: kps.map((k) => toBase64Url(k.publicPackage)) });
    return (await this.client.next((f) => f.t === 'kp_count' || isError(f))).t === 'kp_count' ? this.#own.length : -1;
  }

  /** A new group owned by this member; its id. */
  async create(options: { listed?: boolean; name?: string; joinPolicy?: 'approval' | 'closed' } = {}): Promise<string> {
    const id = crypto.getRandomValues(new Uint8Array(16));
    const group = toBase64Url(id);
    this.groups.set(group, await createGroup(this.env, this.client.sodium, this.client.identity!, id, { owner: this.name, admins: [] }));
    const listed = options.listed ?? true;
    this.client.send({ t: 'group_create', group, listed, ...(listed ? { name: options.name ?? 'Test group' } : {}), joinPolicy: options.joinPolicy ?? 'approval' });
    await this.client.next((f) => f.t === 'group_created' && f.group === group);
    return group;
  }

  /** Claims KeyPackages of `users` and commits their Add: the server's answer (committed, or the error). */
  async addUsers(group: string, users: string[]): Promise<ServerFrameOf<'group_committed'> | ServerFrameOf<'error'>> {
    this.client.send({ t: 'kp_claim', group, users });
    const claimed = await this.client.next((f) => (f.t === 'kp_claimed' && f.group === group) || isError(f));
    if (claimed.t === 'error') return claimed;
    if (claimed.t !== 'kp_claimed') throw new Error('unreachable');
    const out = await add(this.groups.get(group)!, claimed.kps.map((k) => fromBase64Url(k.kp)));
    this.stageTree(group, epochOf(this.groups.get(group)!) + 1, out.tree!);
    return this.commit(group, out.group, out.commit, out.welcome);
  }

  /** Uploads the new epoch's ratchet tree in parts (answered only when refused), before the commit that adds. */
  stageTree(group: string, epoch: number, tree: Uint8Array): void {
    const parts = treeParts(tree);
    parts.forEach((p, part) => this.client.send({ t: 'group_tree_put', group, epoch, part, parts: parts.length, data: toBase64Url(p) }));
  }

  /** Fetches the group's kept ratchet tree part by part (in `order`, default 0, 1, …): the tree, or the error frame that refused it. */
  async fetchTree(group: string): Promise<Uint8Array | ServerFrameOf<'error'>> {
    const parts: Uint8Array[] = [];
    for (let part = 0, total = 1; part < total; part++) {
      this.client.send({ t: 'group_tree_get', group, part });
      const f = await this.client.next((x): x is ServerFrameOf<'group_tree'> | ServerFrameOf<'error'> => (x.t === 'group_tree' && x.group === group) || (isError(x) && x.ref === group));
      if (f.t === 'error') return f;
      total = f.parts;
      parts.push(fromBase64Url(f.data));
    }
    return joinTreeParts(parts);
  }

  /** Commits the removal of `users`. */
  async removeUsers(group: string, users: string[]): Promise<ServerFrameOf<'group_committed'> | ServerFrameOf<'error'>> {
    const out = await remove(this.groups.get(group)!, users);
    return this.commit(group, out.group, out.commit);
  }

  /** Makes `user` an admin: the roles commit (the server takes its roles from it). */
  async promote(group: string, user: string): Promise<ServerFrameOf<'group_committed'> | ServerFrameOf<'error'>> {
    const state = this.groups.get(group)!;
    const roles = rolesOf(state);
    const out = await setRoles(state, { owner: roles.owner, admins: [...roles.admins, user] });
    return this.commit(group, out.group, out.commit);
  }

  /** Reads (and acknowledges) the group's log up to `seq`, processing others' commits and messages. */
  async sync(group: string, seq: number, timeoutMs = 10_000): Promise<void> {
    for (;;) {
      const e = await this.client.next((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.group === group, timeoutMs);
      // Acknowledged once processed, as the app does: an entry that came announced is fetched before (big-commits.ts).
      if (e.from !== this.name && e.kind !== 'event') this.groups.set(group, (await process(this.groups.get(group)!, fromBase64Url(await this.dataOf(e)), e.kind)).group);
      this.client.send({ t: 'group_ack', group, upTo: e.seq });
      if (e.seq >= seq) return;
    }
  }

  /** Sends a commit (staged in parts first when over a frame, as the app does); on acceptance the new state is this member's. */
  async commit(group: string, next: Group, commit: Uint8Array, welcome?: Uint8Array, epoch?: number) {
    const at = epoch ?? epochOf(this.groups.get(group)!);
    const commitText = toBase64Url(commit);
    const welcomeText = welcome ? toBase64Url(welcome) : undefined;
    if (needsParts(commitText.length, welcomeText?.length)) {
      const parts = packCommit(commit, welcome);
      parts.forEach((p, part) => this.client.send({ t: 'group_commit_put', group, epoch: at, part, parts: parts.length, data: toBase64Url(p) }));
      this.client.send({ t: 'group_commit', group, epoch: at, staged: true });
    } else this.client.send({ t: 'group_commit', group, epoch: at, commit: commitText, ...(welcomeText ? { welcome: welcomeText } : {}) });
    const answer = await this.client.next(
      (f): f is ServerFrameOf<'group_committed'> | ServerFrameOf<'error'> => // A refusal names the group, or the added user it is about (not_contact, too_many_groups, banned…).
      (f.t === 'group_committed' && f.group === group) || (isError(f) && (f.ref === group || (f.ref !== undefined && !f.ref.startsWith('kp:')))),
    );
    if (answer.t === 'group_committed') this.groups.set(group, next);
    return answer;
  }

  /** The text of an entry (or Welcome, `welcome`) announced with `parts`, fetched slice by slice, or the error frame that refused a slice. */
  async fetchParts(group: string, seq: number, parts: number, welcome = false): Promise<string | ServerFrameOf<'error'>> {
    let text = '';
    for (let part = 0; part < parts; part++) {
      this.client.send({ t: 'group_commit_get', group, seq, part, ...(welcome ? { welcome: true as const } : {}) });
      const f = await this.client.next((x): x is ServerFrameOf<'group_commit_part'> | ServerFrameOf<'error'> => (x.t === 'group_commit_part' && x.group === group && x.seq === seq) || (isError(x) && x.ref === group));
      if (f.t === 'error') return f;
      text += f.data;
    }
    return text;
  }

  /** An entry's data, fetched when it came announced (a commit over a frame). */
  async dataOf(e: ServerFrameOf<'group_log'>): Promise<string> {
    if (e.data !== undefined || e.parts === undefined) return e.data!;
    const text = await this.fetchParts(e.group, e.seq, e.parts);
    if (typeof text !== 'string') throw new Error(`the entry's parts were refused: ${text.code}`);
    this.fetched.push(e.seq);
    return text;
  }

  /** Joins from the next Welcome for `group`. */
  async joinFromWelcome(group: string): Promise<void> {
    const w = await this.client.next((f): f is ServerFrameOf<'group_welcome'> => f.t === 'group_welcome' && f.group === group);
    this.welcomes.push(w);
    const welcome = w.welcome ?? (await this.fetchParts(group, w.seq, w.parts ?? 0, true));
    if (typeof welcome !== 'string') throw new Error(`the Welcome was refused: ${welcome.code}`);
    const tree = await this.fetchTree(group);
    if (!(tree instanceof Uint8Array)) throw new Error(`the tree was refused: ${tree.code}`);
    const { group: state } = await join(this.env, this.client.sodium, this.client.identity!, fromBase64Url(welcome), this.#own, group, tree);
    this.groups.set(group, state);
  }

  /** Encrypts and sends `text` (with `ttl`: a disappearing message's timer): the server's answer. */
  async send(
    group: string,
    text: string,
    id = `m-${crypto.randomUUID()}`,
    options: { ttl?: number } = {},
  ): Promise<ServerFrameOf<'group_sent'> | ServerFrameOf<'error'>> {
    const state = this.groups.get(group)!;
    const out = await encrypt(state, new TextEncoder().encode(text));
    this.groups.set(group, out.group);
    const ttl = options.ttl !== undefined ? { ttl: options.ttl } : {};
    this.client.send({ t: 'group_send', group, epoch: epochOf(state), id, env: toBase64Url(out.message), ...ttl });
    return this.client.next((f): f is ServerFrameOf<'group_sent'> | ServerFrameOf<'error'> => (f.t === 'group_sent' && f.id === id) || (isError(f) && f.ref === id));
  }

  /**
   * Reads the group's log until `count` messages from others are read (own entries are skipped,
   * commits and messages processed), acknowledging as it goes; the texts.
   */
  async readMessages(group: string, count: number, timeoutMs = 10_000): Promise<string[]> {
    const texts: string[] = [];
    while (texts.length < count) {
      const e = await this.client.next((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.group === group, timeoutMs);
      if (e.from === this.name || e.kind === 'event') {
        this.client.send({ t: 'group_ack', group, upTo: e.seq });
        continue;
      }
      const out = await process(this.groups.get(group)!, fromBase64Url(await this.dataOf(e)), e.kind);
      this.client.send({ t: 'group_ack', group, upTo: e.seq });
      this.groups.set(group, out.group);
      if (out.event.kind === 'message') {
        const text = new TextDecoder().decode(out.event.data);
        texts.push(text);
        this.read.set(group, [...(this.read.get(group) ?? []), text]);
      }
    }
    return texts;
  }
}
