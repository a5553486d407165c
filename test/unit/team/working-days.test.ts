import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { dayNumber, easterSunday, finnishHolidays, isoDate, WorkingDayCalendar } from '../../../shared/working-days.js';

/** An instant given as Helsinki wall-clock time (offset spelled out, so the test says which). */
const at = (iso: string) => Date.parse(iso);

/**
 * The reference: date-holidays' Finnish public holidays and bank days, less New Year's Eve
 * (a bank day there, an ordinary working day in the public sector).
 */
function referenceDaysOff(year: number): Set<string> {
  const holidays = new Holidays('FI').getHolidays(year);
  return new Set(holidays.filter((h) => (h.type === 'public' || h.type === 'bank') && !h.date.startsWith(`${year}-12-31`)).map((h) => h.date.slice(0, 10)));
}

describe('Finnish holidays', () => {
  it('computes Easter Sunday for 2026–2030', () => {
    expect([2026, 2027, 2028, 2029, 2030].map((y) => isoDate(easterSunday(y)))).toEqual(['2026-04-05', '2027-03-28', '2028-04-16', '2029-04-01', '2030-04-21']);
  });

  it('has the same days off as date-holidays for 2026–2030 and, as a wider check, up to 2040', () => {
    for (let year = 2026; year <= 2040; year++) {
      const ours = new Set([...finnishHolidays(year).keys()].map(isoDate));
      expect([...ours].sort(), String(year)).toEqual([...referenceDaysOff(year)].sort());
    }
  });

  it('names the Easter-dependent and moving holidays of 2026', () => {
    const named = Object.fromEntries([...finnishHolidays(2026)].map(([day, name]) => [name, isoDate(day)]));
    expect(named).toMatchObject({
      'good-friday': '2026-04-03',
      'easter-monday': '2026-04-06',
      ascension: '2026-05-14',
      whitsun: '2026-05-24',
      'midsummer-eve': '2026-06-19',
      'midsummer-day': '2026-06-20',
      'all-saints': '2026-10-31',
      'independence-day': '2026-12-06',
      'christmas-eve': '2026-12-24',
    });
  });

  it('says for every day of 2026–2030 whether it is a working day exactly as weekday-and-not-a-reference-holiday', () => {
    const calendar = new WorkingDayCalendar();
    let working = 0;
    for (let year = 2026; year <= 2030; year++) {
      const off = referenceDaysOff(year);
      for (let day = dayNumber(year, 1, 1); day < dayNumber(year + 1, 1, 1); day++) {
        const date = new Date(day * 86_400_000);
        const expected = date.getUTCDay() !== 0 && date.getUTCDay() !== 6 && !off.has(isoDate(day));
        expect(calendar.isWorkingDay(day), isoDate(day)).toBe(expected);
        if (expected) working++;
      }
    }
    expect(working).toBe(252 + 253 + 251 + 251 + 251);
  });

  it('counts the working days of each year 2026–2030', () => {
    // 2026 by hand: 261 weekdays less 1.1., 6.1., Good Friday, Easter Monday, 1.5., Ascension,
    // Midsummer Eve, 24.12. and 25.12. (Independence Day is a Sunday, 26.12. a Saturday).
    const calendar = new WorkingDayCalendar();
    const perYear = [2026, 2027, 2028, 2029, 2030].map((y) => calendar.workingDaysAfter(dayNumber(y - 1, 12, 31), dayNumber(y, 12, 31)));
    expect(perYear).toEqual([252, 253, 251, 251, 251]);
  });
});

describe('working-day ageing in Helsinki time', () => {
  const calendar = new WorkingDayCalendar();
  const age = (received: string, now: string) => calendar.workingDaysSince(at(received), at(now));
  const due = (received: string, days = 1) => isoDate(calendar.dueDay(at(received), days));

  it('does not count the day of arrival, and counts today', () => {
    expect(age('2026-03-02T10:00:00+02:00', '2026-03-02T16:00:00+02:00')).toBe(0); // Monday, same day
    expect(age('2026-03-02T10:00:00+02:00', '2026-03-03T08:00:00+02:00')).toBe(1); // Tuesday
    expect(due('2026-03-02T10:00:00+02:00')).toBe('2026-03-03');
  });

  it('skips weekends: Friday afternoon and Saturday mail are one working day old on Monday', () => {
    expect(age('2026-03-06T16:30:00+02:00', '2026-03-09T09:00:00+02:00')).toBe(1);
    expect(age('2026-03-07T12:00:00+02:00', '2026-03-09T09:00:00+02:00')).toBe(1);
    expect(age('2026-03-07T12:00:00+02:00', '2026-03-08T23:59:00+02:00')).toBe(0);
    expect(due('2026-03-06T16:30:00+02:00')).toBe('2026-03-09');
  });

  it('skips Easter 2026 (Good Friday and Easter Monday)', () => {
    expect(due('2026-04-02T10:00:00+03:00')).toBe('2026-04-07');
    expect(age('2026-04-02T10:00:00+03:00', '2026-04-06T12:00:00+03:00')).toBe(0);
    expect(age('2026-04-02T10:00:00+03:00', '2026-04-08T12:00:00+03:00')).toBe(2);
  });

  it('skips Easter 2027 across the change to summer time (Easter Sunday 28.3.)', () => {
    expect(due('2027-03-25T15:00:00+02:00')).toBe('2027-03-30');
  });

  it('skips Ascension Day 2028, May Day 2030 and Midsummer Eve 2029', () => {
    expect(due('2028-05-24T10:00:00+03:00')).toBe('2028-05-26');
    expect(due('2030-04-30T10:00:00+03:00')).toBe('2030-05-02');
    expect(due('2029-06-21T10:00:00+03:00')).toBe('2029-06-25');
  });

  it('skips Christmas 2026 and Independence Day 2027 (a Monday), and keeps New Year’s Eve a working day', () => {
    expect(due('2026-12-23T15:00:00+02:00')).toBe('2026-12-28');
    expect(due('2027-12-03T10:00:00+02:00')).toBe('2027-12-07');
    expect(due('2029-12-28T10:00:00+02:00')).toBe('2029-12-31');
    expect(due('2029-12-31T10:00:00+02:00')).toBe('2030-01-02');
  });

  it('counts a limit of several working days across a holiday week', () => {
    // 22.12.2028 is a Friday; 25.–26.12. Monday and Tuesday are holidays, 31.12. a Sunday, 1.1. a holiday.
    expect(due('2028-12-22T10:00:00+02:00', 3)).toBe('2028-12-29');
    expect(age('2028-12-22T10:00:00+02:00', '2029-01-02T10:00:00+02:00')).toBe(4); // 27., 28., 29.12., 2.1.
  });

  it('takes the calendar day in Helsinki, not in UTC', () => {
    // 22:30 UTC on Monday is 00:30 on Tuesday in Helsinki (winter and summer time).
    expect(isoDate(calendar.helsinkiDay(Date.parse('2026-03-02T22:30:00Z')))).toBe('2026-03-03');
    expect(isoDate(calendar.helsinkiDay(Date.parse('2026-06-01T21:30:00Z')))).toBe('2026-06-02');
    expect(isoDate(calendar.helsinkiDay(Date.parse('2026-06-01T20:30:00Z')))).toBe('2026-06-01');
    expect(age('2026-03-02T22:30:00Z', '2026-03-03T21:00:00Z')).toBe(0);
  });

  it('counts long spans over years, also when a later question reaches further back', () => {
    const fresh = new WorkingDayCalendar();
    expect(fresh.workingDaysAfter(dayNumber(2029, 12, 31), dayNumber(2030, 12, 31))).toBe(251);
    expect(fresh.workingDaysAfter(dayNumber(2025, 12, 31), dayNumber(2030, 12, 31))).toBe(1258);
  });
});
