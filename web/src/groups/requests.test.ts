import { describe, expect, it } from 'vitest';
import { JoinRequests } from './requests';

const K1 = 'a'.repeat(43);
const K2 = 'b'.repeat(43);

describe('join request bookkeeping', () => {
  it('keeps each requester once per group, in arrival order, and says when the list changed', () => {
    const book = new JoinRequests();
    expect(book.add({ group: 'g1', user: 'bob', identityKey: K1 })).toBe(true);
    expect(book.add({ group: 'g1', user: 'ann', identityKey: K1 })).toBe(true);
    // Asking again while pending is answered by the server but changes nothing here.
    expect(book.add({ group: 'g1', user: 'bob', identityKey: K1 })).toBe(false);
    expect(book.add({ group: 'g2', user: 'bob', identityKey: K2 })).toBe(true);
    expect(book.list('g1').map((r) => r.user)).toEqual(['bob', 'ann']);
    expect(book.list().map((r) => `${r.group}:${r.user}`)).toEqual(['g1:bob', 'g1:ann', 'g2:bob']);
  });

  it('forgets a decided request, once', () => {
    const book = new JoinRequests();
    book.add({ group: 'g1', user: 'bob', identityKey: K1 });
    expect(book.drop('g1', 'bob')).toBe(true);
    expect(book.drop('g1', 'bob')).toBe(false);
    expect(book.drop('g9', 'bob')).toBe(false);
    expect(book.list()).toEqual([]);
  });

  it('takes group_state`s list as the whole truth for that group only', () => {
    const book = new JoinRequests();
    book.add({ group: 'g1', user: 'bob', identityKey: K1 });
    book.add({ group: 'g2', user: 'cy', identityKey: K1 });
    expect(book.replace('g1', [{ user: 'bob', identityKey: K1 }])).toBe(false);
    expect(book.replace('g1', [{ user: 'dee', identityKey: K2 }, { user: 'bob', identityKey: K1 }])).toBe(true);
    expect(book.list('g1').map((r) => r.user)).toEqual(['dee', 'bob']);
    expect(book.replace('g1', [])).toBe(true);
    expect(book.list('g1')).toEqual([]);
    expect(book.list('g2').map((r) => r.user)).toEqual(['cy']);
  });

  it('clears a group that was left, and hands out copies', () => {
    const book = new JoinRequests();
    book.add({ group: 'g1', user: 'bob', identityKey: K1 });
    book.list('g1')[0]!.user = 'mallory';
    expect(book.list('g1')[0]!.user).toBe('bob');
    expect(book.clear('g1')).toBe(true);
    expect(book.clear('g1')).toBe(false);
  });
});
