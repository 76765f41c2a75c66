// Typing in a member chat (issue 12): Links hand on a `transient` from a contact or from a member
// chat's peer (LinkDirectory.isMemberChat), and drop a stranger's, as before.
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../shared/identity';
import { loadSodium } from '../../../shared/sodium';
import type { Connection } from '../net/connection';
import { FrameRouter } from '../net/frame-router';
import { Links } from './links';
import type { TransientEvent } from './peer-link';

describe('typing from a member chat', () => {
  it('is handed on for a contact and a member chat peer, never for a stranger', async () => {
    const sodium = await loadSodium();
    const connection = { online: true, send: () => true, addEventListener: () => {} } as unknown as Connection;
    const me = { username: 'ann' } as Identity;
    const directory = { me: () => me, isContact: (u: string) => u === 'cat', trustedKey: () => undefined, isMemberChat: (u: string) => u === 'ben' };
    const links = new Links(connection, directory, sodium, { relayOnly: true });
    const router = new FrameRouter();
    links.attach(router);
    const from: string[] = [];
    links.addEventListener('transient', (e) => from.push((e as TransientEvent).peer));
    for (const who of ['cat', 'ben', 'mallory']) router.route({ t: 'transient', from: who, id: crypto.randomUUID(), env: 'sealed' });
    await router.idle();
    expect(from).toEqual(['cat', 'ben']);
  });
});
