import { describe, expect, it } from 'vitest';
import { listTime } from './list-time';

describe('the time a conversation row shows', () => {
  const now = new Date(2026, 4, 20, 15, 0).getTime(); // a Wednesday afternoon, local time
  it('is the time of day today, the weekday within a week, the date before that', () => {
    const today = new Date(2026, 4, 20, 9, 5).getTime();
    expect(listTime(today, now)).toBe(new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' }).format(today));
    const monday = new Date(2026, 4, 18, 23, 59).getTime();
    expect(listTime(monday, now)).toBe(new Intl.DateTimeFormat([], { weekday: 'short' }).format(monday));
    const lastThursday = new Date(2026, 4, 14, 8, 0).getTime();
    expect(listTime(lastThursday, now)).toBe(new Intl.DateTimeFormat([], { weekday: 'short' }).format(lastThursday));
    const older = new Date(2026, 4, 13, 8, 0).getTime();
    expect(listTime(older, now)).toBe(new Intl.DateTimeFormat([], { dateStyle: 'short' }).format(older));
  });
});
