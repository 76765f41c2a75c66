// What a member encrypts is theirs to choose: the plaintext reader takes text, replies and cards
// within bounds, and reads anything else as unsupported, never throwing.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits';
import { MAX_GROUP_PLAINTEXT_BYTES, decodePlain, encodeBody, encodeCard, plaintextBytes } from './group-body';

const read = (json: string) => decodePlain(plaintextBytes(json), 99);

describe('group plaintext', () => {
  it('reads back what it writes: a text, a reply, a card', () => {
    expect(read(encodeBody({ kind: 'text', text: 'hello' }, 5))).toEqual({ kind: 'body', ts: 5, body: { kind: 'text', text: 'hello' } });
    const reply = { kind: 'reply' as const, text: 'yes', quote: { id: 'abcdefgh', author: 'alice', text: 'ok?' } };
    expect(read(encodeBody(reply, 6))).toEqual({ kind: 'body', ts: 6, body: reply });
    expect(read(encodeCard({ name: 'Hikers', topic: 'Walks' }, 7))).toEqual({ kind: 'card', ts: 7, card: { name: 'Hikers', topic: 'Walks' } });
    expect(read(encodeCard({ name: 'Hikers' }, 7))).toEqual({ kind: 'card', ts: 7, card: { name: 'Hikers' } });
  });

  it('reads a newer kind, a bad body, bad JSON, bad UTF-8 or an oversized plaintext as unsupported', () => {
    expect(read('{"v":1,"ts":1,"body":{"kind":"poll","q":"?"}}')).toEqual({ kind: 'body', ts: 1, body: { kind: 'unsupported', sentKind: 'poll' } });
    // Known kinds that groups do not take yet, and a text over the limit.
    expect(read('{"v":1,"ts":1,"body":{"kind":"reaction","target":"abcdefgh","emoji":"👍"}}').kind).toBe('body');
    expect(read('{"v":1,"ts":1,"body":{"kind":"reaction","target":"abcdefgh","emoji":"👍"}}')).toMatchObject({ body: { kind: 'unsupported' } });
    expect(read(JSON.stringify({ v: 1, ts: 1, body: { kind: 'text', text: 'x'.repeat(LIMITS.maxTextChars + 1) } }))).toMatchObject({ body: { kind: 'unsupported', sentKind: 'text' } });
    for (const bad of ['not json', '{"v":2,"ts":1,"body":{"kind":"text","text":"a"}}', '{"v":1,"ts":-1,"body":{"kind":"text","text":"a"}}', '{"v":1,"ts":1}', 'null']) {
      expect(read(bad)).toMatchObject({ kind: 'body', body: { kind: 'unsupported' } });
    }
    expect(decodePlain(new Uint8Array([0xff, 0xfe, 0x7b]), 9)).toEqual({ kind: 'body', ts: 9, body: { kind: 'unsupported', sentKind: 'malformed' } });
    expect(decodePlain(new Uint8Array(MAX_GROUP_PLAINTEXT_BYTES + 1), 9)).toMatchObject({ body: { sentKind: 'too_large' } });
  });

  it('refuses a card with control characters or an overlong name', () => {
    expect(read('{"v":1,"ts":1,"card":{"name":"a\\u0007b"}}')).toMatchObject({ kind: 'body', body: { kind: 'unsupported', sentKind: 'card' } });
    expect(read(JSON.stringify({ v: 1, ts: 1, card: { name: 'n'.repeat(65) } }))).toMatchObject({ body: { sentKind: 'card' } });
  });
});
