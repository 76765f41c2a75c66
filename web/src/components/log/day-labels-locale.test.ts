// The log's day separators and message times in both UI locales: "Today"/"今天" from the
// translation, weekdays and dates from Intl in the active locale.
import { describe, expect, it } from 'vitest';
import { at, now, root, startInEnglish } from '../../i18n/locale-test-support';
import { chooseLocale } from '../../i18n/locale';
import { dayLabel, fullDateTime } from './day-separators';

startInEnglish();

describe('day separators', () => {
  it('in English: Today, Yesterday, the weekday, the date', () => {
    expect([dayLabel(at(2026, 12, 2, 0, 5), now, 'en'), dayLabel(at(2026, 12, 1), now, 'en'), dayLabel(at(2026, 11, 30), now, 'en')]).toEqual(['Today', 'Yesterday', 'Monday']);
    expect(dayLabel(at(2025, 6, 14), now, 'en')).toBe('June 14, 2025');
    expect(fullDateTime(at(2026, 12, 2, 9, 5), 'en')).toMatch(/^Wednesday, December 2, 2026 at 9:05\sAM$/); // newer ICU puts U+202F before AM
  });

  it('in 简体中文: 今天, 昨天, 星期一, and dates as Chinese writes them', async () => {
    await chooseLocale('zh-Hans', undefined, root);
    expect(dayLabel(at(2026, 12, 2, 0, 5), now, 'zh-Hans')).toBe('今天');
    expect(dayLabel(at(2026, 12, 1, 23, 59), now, 'zh-Hans')).toBe('昨天');
    expect(dayLabel(at(2026, 11, 30), now, 'zh-Hans')).toBe('星期一');
    expect(dayLabel(at(2026, 11, 20), now, 'zh-Hans')).toBe('11月20日周五');
    expect(dayLabel(at(2025, 6, 14), now, 'zh-Hans')).toBe('2025年6月14日');
    expect(fullDateTime(at(2026, 12, 2, 9, 5), 'zh-Hans')).toBe('2026年12月2日星期三 09:05');
  });
});
