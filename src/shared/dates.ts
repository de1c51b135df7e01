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

const inVietnam = (at: Date | string) => dayjs(at).tz(VIETNAM_TZ);

/** The calendar day (UTC midnight) a moment falls on in Việt Nam. */
export function vietnamDay(at: Date = new Date()): Date {
  const local = inVietnam(at);
  return new Date(Date.UTC(local.year(), local.month(), local.date()));
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

/** The moment a Vietnamese calendar day (given as UTC midnight) starts: 00:00 in Việt Nam. */
export function vietnamDayStart(day: Date): Date {
  return dayjs.tz(dayjs.utc(day).format('YYYY-MM-DD'), VIETNAM_TZ).toDate();
}

/** A moment as dd/MM/yyyy HH:mm in Việt Nam. */
export function formatDateTime(d: Date | string | null | undefined): string {
  return d ? inVietnam(d).format('DD/MM/YYYY HH:mm') : '';
}

/** A calendar day (UTC midnight) as dd/MM/yyyy. */
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
