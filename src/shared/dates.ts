import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Time in Việt Nam, whatever the server's zone. Two kinds of value:
 * - moments (`Date`s as they happened: filing, rating, audit) are shown and bucketed in Asia/Ho_Chi_Minh;
 * - calendar days (deadlines, effective dates, holidays) are stored as UTC midnight of that day and shown as is.
 */
export const VIETNAM_TZ = 'Asia/Ho_Chi_Minh';

/**
 * The zone's offset from UTC at a moment, in minutes, asked of the time-zone database once per hour of time: `tz()`
 * asks Intl for every value, which made date arithmetic a large share of busy pages' CPU (the inbox's early warnings
 * compare hundreds of days, the audit log prints fifty moments).
 */
const offsetByHour = new Map<number, number>();
function vietnamOffsetMinutes(time: number): number {
  const hour = Math.floor(time / 3_600_000);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    if (offsetByHour.size >= 10_000) offsetByHour.clear();
    offset = dayjs(time).tz(VIETNAM_TZ).utcOffset();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

const inVietnam = (at: Date | string) => {
  const moment = dayjs(at);
  return moment.utcOffset(vietnamOffsetMinutes(moment.valueOf()));
};

/** The calendar day (UTC midnight) a moment falls on in Việt Nam. */
export function vietnamDay(at: Date = new Date()): Date {
  const time = at.getTime();
  const day = 86_400_000;
  return new Date(Math.floor((time + vietnamOffsetMinutes(time) * 60_000) / day) * day);
}

/** The year a moment falls in, in Việt Nam. */
export function vietnamYear(at: Date = new Date()): number {
  return inVietnam(at).year();
}

/** Year and month (1–12) a moment falls in, in Việt Nam, with its 'YYYY-MM' key. */
export function vietnamMonth(at: Date): { year: number; month: number; key: string } {
  const local = inVietnam(at);
  return { year: local.year(), month: local.month() + 1, key: local.format('YYYY-MM') };
}

/** The 'YYYY-MM' keys from one month to another, both included (at most `limit` of them). */
export function monthKeysBetween(fromKey: string, toKey: string, limit = Number.POSITIVE_INFINITY): string[] {
  const keys: string[] = [];
  let [y, m] = fromKey.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < limit; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    keys.push(key);
    if (key >= toKey) break;
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return keys;
}

/** The moment a Vietnamese calendar day (given as UTC midnight) starts: 00:00 in Việt Nam. */
export function vietnamDayStart(day: Date): Date {
  return dayjs.tz(dayjs.utc(day).format('YYYY-MM-DD'), VIETNAM_TZ).toDate();
}

/** A moment as dd/MM/yyyy HH:mm in Việt Nam. */
export function formatDateTime(d: Date | string | null | undefined): string {
  return d ? inVietnam(d).format('DD/MM/YYYY HH:mm') : '';
}

/** The day a moment (a filing, a sending, a decision) falls on in Việt Nam, as dd/MM/yyyy. */
export function formatMomentDay(d: Date | string | null | undefined): string {
  return d ? inVietnam(d).format('DD/MM/YYYY') : '';
}

/** A calendar day (UTC midnight) as dd/MM/yyyy — not a moment: a moment shows through formatMomentDay. */
export function formatDate(d: Date | string | null | undefined): string {
  return d ? dayjs.utc(d).format('DD/MM/YYYY') : '';
}

/** yyyy-MM-dd of a calendar day, for <input type="date"> values. */
export function isoDate(d: Date | string | null | undefined): string {
  return d ? dayjs.utc(d).format('YYYY-MM-DD') : '';
}

/** The moment of a wall-clock time in Việt Nam (month 1–12). */
export function vietnamMoment(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  return dayjs.tz(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`, VIETNAM_TZ).toDate();
}
