/**
 * Working days in Finland, counted in Helsinki time, for response-time limits ("first response
 * within one working day"). Pure and dependency-free so the services and the renderer count the
 * same way.
 *
 * Days off are Saturdays, Sundays and the days the public sector does not work: the public
 * holidays (Finnish church holidays, May Day and Independence Day) plus Midsummer Eve and
 * Christmas Eve, which municipal and wellbeing-county collective agreements (KVTES "arkipyhät")
 * treat as days off. New Year's Eve is an ordinary working day. The rules are computed here
 * (Easter by the Gregorian computus); test/unit/team/working-days.test.ts cross-checks them
 * against the date-holidays library, which is kept out of the product: it ships every country's
 * data and a moment/astronomy stack for fifteen dates a year.
 *
 * A "day" is a Helsinki calendar date as a day number: days since 1970-01-01.
 */

export const HELSINKI_TIME_ZONE = 'Europe/Helsinki';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export type FinnishHoliday =
  | 'new-year'
  | 'epiphany'
  | 'good-friday'
  | 'easter-sunday'
  | 'easter-monday'
  | 'may-day'
  | 'ascension'
  | 'whitsun'
  | 'midsummer-eve'
  | 'midsummer-day'
  | 'all-saints'
  | 'independence-day'
  | 'christmas-eve'
  | 'christmas-day'
  | 'st-stephens-day';

/** The day number of a calendar date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** The calendar date of a day number, as `YYYY-MM-DD`. */
export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

/** The first day in [from, from + 6] that falls on the weekday (0 = Sunday). */
function weekdayOnOrAfter(from: number, wanted: number): number {
  return from + ((wanted - weekday(from) + 7) % 7);
}

/** Every day off besides weekends in a year, by day number (Finnish Holidays Act and church law). */
export function finnishHolidays(year: number): Map<number, FinnishHoliday> {
  const easter = easterSunday(year);
  const holidays: [number, FinnishHoliday][] = [
    [dayNumber(year, 1, 1), 'new-year'],
    [dayNumber(year, 1, 6), 'epiphany'],
    [easter - 2, 'good-friday'],
    [easter, 'easter-sunday'],
    [easter + 1, 'easter-monday'],
    [dayNumber(year, 5, 1), 'may-day'],
    [easter + 39, 'ascension'],
    [easter + 49, 'whitsun'],
    // Midsummer Day is the Saturday between 20 and 26 June; its eve the Friday before.
    [weekdayOnOrAfter(dayNumber(year, 6, 20), 6) - 1, 'midsummer-eve'],
    [weekdayOnOrAfter(dayNumber(year, 6, 20), 6), 'midsummer-day'],
    // All Saints' Day is the Saturday between 31 October and 6 November.
    [weekdayOnOrAfter(dayNumber(year, 10, 31), 6), 'all-saints'],
    [dayNumber(year, 12, 6), 'independence-day'],
    [dayNumber(year, 12, 24), 'christmas-eve'],
    [dayNumber(year, 12, 25), 'christmas-day'],
    [dayNumber(year, 12, 26), 'st-stephens-day'],
  ];
  return new Map(holidays);
}

const helsinkiDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: HELSINKI_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * Counts working days in Helsinki time. Holiday years and the Helsinki date of each hour are
 * cached (Helsinki's UTC offset changes only on whole hours), so a board over tens of thousands
 * of messages asks Intl once per distinct hour, not once per message.
 */
export class WorkingDayCalendar {
  private readonly holidayYears = new Map<number, Map<number, FinnishHoliday>>();
  private readonly hourToDay = new Map<number, number>();
  /** Working days in (base, base + i], for the span counted so far. */
  private cumulative: Int32Array = new Int32Array(0);
  private base = 0;

  /** The Helsinki calendar day (day number) of an instant. */
  helsinkiDay(ms: number): number {
    const hour = Math.floor(ms / HOUR_MS);
    let day = this.hourToDay.get(hour);
    if (day === undefined) {
      const [year, month, date] = helsinkiDateFormat
        .format(hour * HOUR_MS)
        .split('-')
        .map(Number) as [number, number, number];
      day = dayNumber(year, month, date);
      this.hourToDay.set(hour, day);
    }
    return day;
  }

  /** Why a day is off, or null for a working day. */
  dayOff(day: number): FinnishHoliday | 'weekend' | null {
    const holiday = this.holidays(new Date(day * DAY_MS).getUTCFullYear()).get(day);
    if (holiday) return holiday;
    const wd = weekday(day);
    return wd === 0 || wd === 6 ? 'weekend' : null;
  }

  isWorkingDay(day: number): boolean {
    return this.dayOff(day) === null;
  }

  /** Working days in (fromDay, toDay]: the day something arrived does not count, the day it is now does. */
  workingDaysAfter(fromDay: number, toDay: number): number {
    if (toDay <= fromDay) return 0;
    this.cover(fromDay, toDay);
    return this.cumulative[toDay - this.base]! - this.cumulative[fromDay - this.base]!;
  }

  /**
   * Working days between receipt and now, in Helsinki days: a message received on Friday is one
   * working day old on Monday, also when it came on Saturday.
   */
  workingDaysSince(receivedAt: number, now: number): number {
    return this.workingDaysAfter(this.helsinkiDay(receivedAt), this.helsinkiDay(now));
  }

  /** The last day on which a first response is on time: the limit's n-th working day after receipt. */
  dueDay(receivedAt: number, limitDays: number): number {
    let day = this.helsinkiDay(receivedAt);
    for (let counted = 0; counted < limitDays;) {
      day++;
      if (this.isWorkingDay(day)) counted++;
    }
    return day;
  }

  private holidays(year: number): Map<number, FinnishHoliday> {
    let holidays = this.holidayYears.get(year);
    if (!holidays) {
      holidays = finnishHolidays(year);
      this.holidayYears.set(year, holidays);
    }
    return holidays;
  }

  /** Extends the cumulative count to cover [from, to], a year beyond what is asked at a time. */
  private cover(from: number, to: number): void {
    const end = this.base + this.cumulative.length - 1;
    if (this.cumulative.length && from >= this.base && to <= end) return;
    const base = Math.min(from, this.cumulative.length ? this.base : from) - 366;
    const last = Math.max(to, this.cumulative.length ? end : to) + 366;
    const cumulative = new Int32Array(last - base + 1);
    for (let day = base + 1, i = 1; day <= last; day++, i++) cumulative[i] = cumulative[i - 1]! + (this.isWorkingDay(day) ? 1 : 0);
    this.base = base;
    this.cumulative = cumulative;
  }
}
