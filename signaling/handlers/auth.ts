/**
 * register / login: the client signs the connection's single-use challenge with its identity
 * key. No password exists; the server stores only the public key.
 */
import { createPublicKey, verify } from 'node:crypto';
import { CloseCode, PROTOCOL_VERSION, authMessage } from '../../shared/protocol';
import { isReservedUsername, isValidUsername } from '../../shared/username';
import { ProtocolError } from '../errors';
import { seesPresence, visibleRequests } from '../policy';
import { applyChange } from '../routing/arrive';
import type { Session } from '../session';
import type { UserRecord } from '../store/accounts';
import type { Context, Handler } from './context';
import { sendPendingAnnouncements } from './announcements';

function verifySignature(identityKey: string, nonce: string, username: string, sig: string): boolean {
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: identityKey }, format: 'jwk' });
    return verify(null, authMessage(nonce, username), key, Buffer.from(sig, 'base64url'));
  } catch {
    return false; // a malformed key is a failed proof, not a server fault
  }
}

/**
 * Every attempt consumes the challenge; a failed attempt is answered with a fresh one. A client of
 * another protocol version is told so and closed: no later frame of its would be understood.
 */
async function attempt(session: Session, version: number | undefined, run: (nonce: string) => Promise<void>): Promise<void> {
  if (session.username) throw new ProtocolError('already_authenticated', 'this connection is already logged in');
  if ((version ?? 1) !== PROTOCOL_VERSION) {
    session.send({ t: 'error', code: 'unsupported_version', message: `this server speaks protocol version ${PROTOCOL_VERSION}` });
    session.cut(CloseCode.incompatible, 'unsupported_version');
    return;
  }
  const nonce = session.takeChallenge();
  try {
    if (!nonce) throw new ProtocolError('bad_signature', 'no challenge outstanding');
    await run(nonce);
  } catch (err) {
    session.issueChallenge();
    throw err;
  }
}

/**
 * The user is claimed first, then their state is read: whatever another connection changes
 * meanwhile (a contact accepted, a presence change) either is in what is read or reaches this
 * connection after its welcome, never neither.
 */
async function welcome(ctx: Context, session: Session, username: string, identityKey: string): Promise<void> {
  if (!(await ctx.router.claim(session, username))) return;
  let names: string[];
  let keys: (UserRecord | undefined)[];
  let incoming: string[];
  let outgoing: string[];
  let blocks: string[];
  let blockers: string[];
  try {
    const contacts = ctx.store.contacts;
    names = await contacts.contactsOf(username);
    keys = await Promise.all(names.map((c) => ctx.store.accounts.get(c)));
    [incoming, outgoing, blocks, blockers] = await Promise.all([
      contacts.incomingRequests(username),
      contacts.outgoingRequests(username),
      contacts.blocksOf(username),
      contacts.blockersOf(username),
    ]);
  } catch (err) {
    // A claimed connection without its welcome must not stay logged in.
    session.cut(CloseCode.shutdown, 'internal');
    throw err;
  }
  // The socket may have closed while the store answered (or been replaced): it leaves unwelcomed.
  if (session.closed) return;
  for (const c of names) session.contacts.add(c);
  for (const b of blocks) session.blocks.add(b);
  for (const b of blockers) session.blockedBy.add(b);
  // What changed while the store was read is applied again on top of what was read (which may predate it).
  for (const change of session.changesDuringLogin()) applyChange(session, change);
  const online = await ctx.router.online(names);
  // A contact added meanwhile comes in its own contact_added, after the welcome.
  const contacts = names
    .map((c, i) => ({ username: c, identityKey: keys[i]!.identityKey, online: online.has(c) && seesPresence(session, c) }))
    .filter((c) => session.contacts.has(c.username));
  session.sendWelcome({
    t: 'welcome',
    username,
    identityKey,
    contacts,
    incoming: visibleRequests(session, incoming),
    outgoing,
    iceServers: ctx.iceServers(username),
    offlineFileMaxBytes: ctx.limits.offlineFileMaxBytes,
    blocks: [...session.blocks],
  });
  ctx.router.ready(session);
  ctx.log.info({ session: session.id }, 'authenticated');
  // Groups after the welcome: the group list, Welcomes, requests and each log from its cursor (groups/service.ts).
  await ctx.groups.login(session);
  // Announcements from the server this account has not acknowledged (handlers/announcements.ts).
  await sendPendingAnnouncements(ctx, session);
}

export const register: Handler<'register'> = (ctx, session, f) =>
  attempt(session, f.v, async (nonce) => {
    if (!isValidUsername(f.username)) {
      throw new ProtocolError('bad_username', 'a username is 3–32 characters of a–z, 0–9, _ and -');
    }
    if (isReservedUsername(f.username)) throw new ProtocolError('username_reserved', 'that username is reserved');
    if (!verifySignature(f.identityKey, nonce, f.username, f.sig)) throw new ProtocolError('bad_signature', 'signature does not verify');
    if (!ctx.registrations.allows(session.address)) {
      throw new ProtocolError('registration_limited', 'too many accounts were created from this address; try again later');
    }
    if (!(await ctx.store.accounts.create({ username: f.username, identityKey: f.identityKey }))) {
      throw new ProtocolError('username_taken', 'that username is taken');
    }
    ctx.registrations.record(session.address);
    await welcome(ctx, session, f.username, f.identityKey);
  });

export const login: Handler<'login'> = (ctx, session, f) =>
  attempt(session, f.v, async (nonce) => {
    const user = isValidUsername(f.username) ? await ctx.store.accounts.get(f.username) : undefined;
    if (!user) throw new ProtocolError('unknown_user', 'no such user');
    if (!verifySignature(user.identityKey, nonce, f.username, f.sig)) throw new ProtocolError('bad_signature', 'signature does not verify');
    await welcome(ctx, session, user.username, user.identityKey);
  });
