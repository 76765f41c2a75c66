// A reply's quote names the user only when this device vouches for it: a contact's made-up quote
// of words "You" never wrote reads "Original message not found" (review M6).
import { describe, expect, it } from 'vitest';
import { t } from '../../i18n/strings';
import { useTestWorld } from '../../conversations/test-device';
import type { StoredMessage } from '../../storage/db';
import { quoteAuthor } from './quote-author';

const w = useTestWorld();

describe('quoteAuthor', () => {
  it('names the contact for their own claim, the user only for a quote checked against this device’s copy', async () => {
    const bob = await w.device('bob');
    await bob.messenger.send('alice', 'what I really said');
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    const reply = (id: string, quote: object) => w.seal('alice', 'bob', id, { kind: 'reply', text: 'so?', quote });
    await bob.handle({ t: 'deliver', from: 'alice', id: 'reply-001', env: reply('reply-001', { id: mine.id, author: 'bob', text: 'forged' }), ts: 1 });
    await bob.handle({ t: 'deliver', from: 'alice', id: 'reply-002', env: reply('reply-002', { id: 'made-up-1', author: 'bob', text: 'I owe you 1000' }), ts: 1 });
    await bob.handle({ t: 'deliver', from: 'alice', id: 'reply-003', env: reply('reply-003', { id: 'gone-0001', author: 'alice', text: 'my old one' }), ts: 1 });
    const [, checked, madeUp, theirs] = await bob.messenger.conversation('dm:alice');
    expect(quoteAuthor(checked!, checked!.reply!)).toBe(t.authorYou());
    expect(checked!.reply).toMatchObject({ text: 'what I really said' });
    expect(quoteAuthor(madeUp!, madeUp!.reply!)).toBe(t.quoteNotFound());
    expect(quoteAuthor(theirs!, theirs!.reply!)).toBe('alice');
  });

  it('in a group, names the member quoted, "You" for this user, and not a member’s unchecked claim of another’s words', () => {
    const base = { conv: 'grp:g1' as const, peer: 'carol', dir: 'in' as const, id: 'm-0000001', seq: 1, ts: 1, text: 'so?', state: 'delivered' as const };
    const at = (reply: NonNullable<StoredMessage['reply']>) => quoteAuthor({ ...base, reply }, reply, 'bob');
    expect(at({ id: 'q1', author: 'dave', text: 'checked' })).toBe('dave');
    expect(at({ id: 'q2', author: 'bob', text: 'checked' })).toBe(t.authorYou());
    expect(at({ id: 'q3', author: 'carol', text: 'her own', unverified: true })).toBe('carol');
    expect(at({ id: 'q4', author: 'dave', text: 'forged', unverified: true })).toBe(t.quoteNotFound());
    expect(at({ id: 'q5', author: 'bob', text: 'forged', unverified: true })).toBe(t.quoteNotFound());
  });
});
