import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);

/** Calendar dates are stored as UTC midnight; shown as dd/MM/yyyy. */
export function formatDate(d: Date | string | null | undefined): string {
  return d ? dayjs.utc(d).format('DD/MM/YYYY') : '';
}

export function formatDateTime(d: Date | string | null | undefined): string {
  return d ? dayjs(d).format('DD/MM/YYYY HH:mm') : '';
}

/** yyyy-MM-dd for <input type="date"> values. */
export function isoDate(d: Date | string | null | undefined): string {
  return d ? dayjs.utc(d).format('YYYY-MM-DD') : '';
}

export function todayUtc(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
}
