/**
 * After this node's inbox subscription comes back (Redis restarted, the network dropped): pub/sub
 * is at most once, so what other nodes published to it meanwhile is gone. Stream entries are
 * read again by the router (nothing owed is ever only in the inbox); the rest was notices and
 * routing changes, so each connection here is brought up to date from the store instead: its
 * routing sets (contacts, who blocks it), a `contact_added` for each contact it did not know,
 * a `request_received` for each request pending to it, and each contact's presence. Clients take
 * these as they take them live (a request or presence they knew already changes nothing).
 */
import { applyChange, arrive } from '../arrive';
import { seesPresence } from '../../policy';
import type { Session } from '../../session';
import type { Store } from '../../store/store';
import type { Holder } from './presence';

export interface CatchUpDeps {
  store: Store;
  maxBufferedBytes: number;
  holders(users: readonly string[]): Promise<(Holder | undefined)[]>;
}

/** Brings one welcomed connection up to date; a connection that closes meanwhile is left alone. */
export async function catchUp(session: Session, deps: CatchUpDeps): Promise<void> {
  const user = session.username!;
  const { contacts, accounts } = deps.store;
  const [names, blockers, requests] = await Promise.all([contacts.contactsOf(user), contacts.blockersOf(user), contacts.incomingRequests(user)]);
  if (session.closed) return;
  const now = new Set(names);
  const added = names.filter((c) => !session.contacts.has(c));
  for (const c of [...session.contacts]) if (!now.has(c)) applyChange(session, { t: 'contact', peer: c, on: false });
  const blocking = new Set(blockers);
  for (const b of [...session.blockedBy]) if (!blocking.has(b)) applyChange(session, { t: 'blocked_by', peer: b, on: false });
  for (const b of blockers) if (!session.blockedBy.has(b)) applyChange(session, { t: 'blocked_by', peer: b, on: true });
  const [keys, holders] = await Promise.all([Promise.all(added.map((c) => accounts.get(c))), deps.holders(names)]);
  if (session.closed) return;
  const online = new Map(names.map((c, i) => [c, holders[i]?.welcomed === true]));
  added.forEach((c, i) => {
    const account = keys[i];
    if (!account) return;
    applyChange(session, { t: 'contact', peer: c, on: true });
    arrive(session, { t: 'notice', frame: { t: 'contact_added', contact: { username: c, identityKey: account.identityKey, online: online.get(c)! } } }, deps.maxBufferedBytes);
  });
  for (const from of requests) arrive(session, { t: 'notice', frame: { t: 'request_received', from } }, deps.maxBufferedBytes);
  for (const c of names) {
    if (!seesPresence(session, c)) continue;
    arrive(session, { t: 'notice', frame: { t: 'presence', username: c, online: online.get(c)! } }, deps.maxBufferedBytes);
  }
}
