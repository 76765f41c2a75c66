// @mentions: what counts as one (a member's "@username" in the text, not inside a word or an
// address), what a receiver keeps of what a body claims, the runs the log highlights, the
// picker's query at the caret, and whether a message names this user.
import { describe, expect, it } from 'vitest';
import { MAX_MENTIONS } from './group-body';
import { MAX_PICKER_OPTIONS, acceptedMentions, mentionParts, mentionQuery, mentionedIn, mentionsMe, pickerOptions } from './mentions';

const members = new Set(['alice', 'bob', 'carol_2']);

describe('mentions', () => {
  it('finds members named with @, once each, in order, and nothing else', () => {
    expect(mentionedIn('@bob and @carol_2, then @bob again', members)).toEqual(['bob', 'carol_2']);
    expect(mentionedIn('hi @dave (not a member) and @Bob (not a username)', members)).toEqual([]);
    expect(mentionedIn('mail bob@alice.org or x@bob, @bobby', members)).toEqual([]);
    expect(mentionedIn('(@alice)', members)).toEqual(['alice']);
    const many = new Set(Array.from({ length: MAX_MENTIONS + 5 }, (_, i) => `user${i}`));
    expect(mentionedIn([...many].map((u) => `@${u}`).join(' '), many)).toHaveLength(MAX_MENTIONS);
  });

  it('keeps of a claim only current members whom the text names', () => {
    expect(acceptedMentions(['bob', 'alice'], 'hey @bob', members)).toEqual(['bob']);
    expect(acceptedMentions(['dave'], 'hey @dave', members)).toEqual([]);
    expect(acceptedMentions(['bob', 'bob'], '@bob', members)).toEqual(['bob']);
    expect(acceptedMentions(undefined, '@bob', members)).toEqual([]);
  });

  it('cuts the text into plain runs and kept mentions', () => {
    expect(mentionParts('hi @bob and @dave!', ['bob'])).toEqual([{ text: 'hi ' }, { text: '@bob', mention: 'bob' }, { text: ' and @dave!' }]);
    expect(mentionParts('@bob', ['bob'])).toEqual([{ text: '@bob', mention: 'bob' }]);
    expect(mentionParts('no mentions', undefined)).toEqual([{ text: 'no mentions' }]);
  });

  it('reads the query being typed after @ at the caret', () => {
    expect(mentionQuery('hello @', 7)).toEqual({ start: 6, query: '' });
    expect(mentionQuery('hello @bo', 9)).toEqual({ start: 6, query: 'bo' });
    expect(mentionQuery('@al', 3)).toEqual({ start: 0, query: 'al' });
    expect(mentionQuery('mail bob@al', 11)).toBeUndefined();
    expect(mentionQuery('hello @bob there', 16)).toBeUndefined();
    expect(mentionQuery('hello @bo', 7)).toEqual({ start: 6, query: '' });
  });

  it('tells whether a message names this user', () => {
    expect(mentionsMe(['bob'], 'bob')).toBe(true);
    expect(mentionsMe(['bob'], 'alice')).toBe(false);
    expect(mentionsMe(undefined, 'bob')).toBe(false);
    expect(mentionsMe(['bob'], undefined)).toBe(false);
  });

  it('offers the picker’s members whose username starts with, or name contains, the query', () => {
    const all = [{ user: 'bob', name: 'Robert' }, { user: 'carol', name: 'Carol King' }, { user: 'dave', name: 'dave' }];
    expect(pickerOptions(all, '')).toEqual([all[1], all[2], all[0]]);
    expect(pickerOptions(all, 'bo').map((o) => o.user)).toEqual(['bob']);
    expect(pickerOptions(all, 'KING').map((o) => o.user)).toEqual(['carol']);
    expect(pickerOptions(all, 'zz')).toEqual([]);
    const many = Array.from({ length: 20 }, (_, i) => ({ user: `u${i}x`, name: `U ${i}` }));
    expect(pickerOptions(many, 'u')).toHaveLength(MAX_PICKER_OPTIONS);
  });
});
