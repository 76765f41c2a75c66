// What a member encrypts is theirs to choose: the plaintext reader takes text and replies (with
// their mentions), reactions, edits, deletes and cards within bounds, and reads anything else as unsupported, never throwing.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits';
import { MAX_GROUP_PLAINTEXT_BYTES, MAX_MENTIONS, decodePlain, encodeBody, encodeCard, plaintextBytes } from './group-body';

const read = (json: string) => decodePlain(plaintextBytes(json), 99);

describe('group plaintext', () => {
  it('reads back what it writes: a text, a reply, a card', () => {
    expect(read(encodeBody({ kind: 'text', text: 'hello' }, 5, 'm1'))).toEqual({ kind: 'body', id: 'm1', ts: 5, body: { kind: 'text', text: 'hello' } });
    const reply = { kind: 'reply' as const, text: 'yes', quote: { id: 'abcdefgh', author: 'alice', text: 'ok?' } };
    expect(read(encodeBody(reply, 6, 'm2'))).toEqual({ kind: 'body', id: 'm2', ts: 6, body: reply });
    expect(read(encodeCard({ name: 'Hikers', topic: 'Walks' }, 7, 'c1'))).toEqual({ kind: 'card', id: 'c1', ts: 7, card: { name: 'Hikers', topic: 'Walks' } });
    expect(read(encodeCard({ name: 'Hikers' }, 7, 'c2'))).toEqual({ kind: 'card', id: 'c2', ts: 7, card: { name: 'Hikers' } });
    // No sealed id: not a message of this version.
    expect(read('{"v":1,"ts":1,"body":{"kind":"text","text":"a"}}')).toMatchObject({ body: { kind: 'unsupported', sentKind: 'malformed' } });
  });

  it('reads a newer kind, a bad body, bad JSON, bad UTF-8 or an oversized plaintext as unsupported', () => {
    expect(read('{"v":1,"id":"m3","ts":1,"body":{"kind":"poll","q":"?"}}')).toEqual({ kind: 'body', id: 'm3', ts: 1, body: { kind: 'unsupported', sentKind: 'poll' } });
    // Known 1:1 kinds that groups do not take (a file offer, a read receipt, typing), and a text over the limit.
    for (const body of [{ kind: 'read', ids: ['abcdefgh'] }, { kind: 'typing', on: true }, { kind: 'profile', displayName: 'Al' }]) {
      expect(read(JSON.stringify({ v: 1, id: 'm4', ts: 1, body }))).toMatchObject({ body: { kind: 'unsupported', sentKind: body.kind } });
    }
    expect(read(JSON.stringify({ v: 1, id: 'm5', ts: 1, body: { kind: 'text', text: 'x'.repeat(LIMITS.maxTextChars + 1) } }))).toMatchObject({ body: { kind: 'unsupported', sentKind: 'text' } });
    for (const bad of ['not json', '{"v":2,"ts":1,"body":{"kind":"text","text":"a"}}', '{"v":1,"ts":-1,"body":{"kind":"text","text":"a"}}', '{"v":1,"ts":1}', 'null']) {
      expect(read(bad)).toMatchObject({ kind: 'body', body: { kind: 'unsupported' } });
    }
    expect(decodePlain(new Uint8Array([0xff, 0xfe, 0x7b]), 9)).toEqual({ kind: 'body', ts: 9, body: { kind: 'unsupported', sentKind: 'malformed' } });
    expect(decodePlain(new Uint8Array(MAX_GROUP_PLAINTEXT_BYTES + 1), 9)).toMatchObject({ body: { sentKind: 'too_large' } });
  });

  it('reads reactions, edits and deletes, and refuses malformed ones', () => {
    for (const body of [
      { kind: 'reaction', target: 'abcdefgh', emoji: '👍' },
      { kind: 'reaction', target: 'abcdefgh', emoji: '👍', remove: true },
      { kind: 'edit', target: 'abcdefgh', text: 'fixed' },
      { kind: 'delete', target: 'abcdefgh' },
    ] as const) {
      expect(read(encodeBody(body, 3, 'm6'))).toEqual({ kind: 'body', id: 'm6', ts: 3, body });
    }
    for (const body of [
      { kind: 'reaction', target: 'abcdefgh', emoji: 'words' }, // not one emoji
      { kind: 'reaction', target: 'x', emoji: '👍' }, // not a message id
      { kind: 'edit', target: 'abcdefgh', text: '' },
      { kind: 'edit', target: 'abcdefgh', text: 'x'.repeat(LIMITS.maxTextChars + 1) },
      { kind: 'delete', target: '<img src=x>' },
    ]) {
      expect(read(JSON.stringify({ v: 1, id: 'm7', ts: 1, body }))).toMatchObject({ body: { kind: 'unsupported', sentKind: body.kind } });
    }
  });

  it('reads the mentions of a text or reply, bounded to MAX_MENTIONS valid usernames', () => {
    const text = { kind: 'text' as const, text: 'hi @bob', mentions: ['bob'] };
    expect(read(encodeBody(text, 4, 'm8'))).toEqual({ kind: 'body', id: 'm8', ts: 4, body: text });
    const reply = { kind: 'reply' as const, text: '@carol yes', quote: { id: 'abcdefgh', author: 'alice', text: 'ok?' }, mentions: ['carol'] };
    expect(read(encodeBody(reply, 4, 'm9'))).toEqual({ kind: 'body', id: 'm9', ts: 4, body: reply });
    const many = Array.from({ length: MAX_MENTIONS + 1 }, (_, i) => `user${i}`);
    for (const mentions of [many, ['Bob'], ['<b>x</b>'], [], 'bob']) {
      expect(read(JSON.stringify({ v: 1, id: 'm10', ts: 1, body: { kind: 'text', text: 'hi', mentions } }))).toMatchObject({ body: { kind: 'unsupported', sentKind: 'text' } });
    }
  });

  it('refuses a card with control characters or an overlong name', () => {
    expect(read('{"v":1,"id":"c3","ts":1,"card":{"name":"a\\u0007b"}}')).toMatchObject({ kind: 'body', body: { kind: 'unsupported', sentKind: 'card' } });
    expect(read(JSON.stringify({ v: 1, id: 'c4', ts: 1, card: { name: 'n'.repeat(65) } }))).toMatchObject({ body: { sentKind: 'card' } });
  });
});
