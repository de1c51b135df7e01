/**
 * Working-day arithmetic on calendar days (UTC midnight dates). Pure: the caller passes the calendar.
 * Vietnamese offices work Monday to Friday; a HOLIDAY is a day off on a weekday (including substituted
 * days), a WORKING_DAY is a weekend day worked to make up for a swapped day off (làm bù).
 */
export type CalendarDayKind = 'HOLIDAY' | 'WORKING_DAY';
export type CalendarDay = Date | { date: Date; kind?: CalendarDayKind };

const DAY_MS = 86_400_000;
const dayKey = (d: Date) => d.toISOString().slice(0, 10);

interface Calendar {
  off: Set<string>;
  worked: Set<string>;
}

function calendarOf(days: readonly CalendarDay[]): Calendar {
  const off = new Set<string>();
  const worked = new Set<string>();
  for (const d of days) {
    const date = d instanceof Date ? d : d.date;
    const kind = d instanceof Date ? 'HOLIDAY' : (d.kind ?? 'HOLIDAY');
    (kind === 'WORKING_DAY' ? worked : off).add(dayKey(date));
  }
  return { off, worked };
}

function isWorkingDayIn(day: Date, cal: Calendar): boolean {
  const key = dayKey(day);
  if (cal.worked.has(key)) return true;
  const weekday = day.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !cal.off.has(key);
}

export function isWorkingDay(day: Date, holidays: readonly CalendarDay[]): boolean {
  return isWorkingDayIn(utcDay(day), calendarOf(holidays));
}

function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/**
 * The day on which n working days after `start` have passed: the start day itself does not count
 * (a report received on Friday with n = 1 is due on Monday). n = 0 gives the start day.
 */
export function addWorkingDays(start: Date, n: number, holidays: readonly CalendarDay[]): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a whole number of days, 0 or more');
  const cal = calendarOf(holidays);
  let day = utcDay(start);
  let left = n;
  while (left > 0) {
    day = new Date(day.getTime() + DAY_MS);
    if (isWorkingDayIn(day, cal)) left--;
  }
  return day;
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: Date, to: Date, holidays: readonly CalendarDay[]): number {
  const cal = calendarOf(holidays);
  let day = utcDay(from);
  const end = utcDay(to).getTime();
  let count = 0;
  while (day.getTime() < end) {
    day = new Date(day.getTime() + DAY_MS);
    if (isWorkingDayIn(day, cal)) count++;
  }
  return count;
}
