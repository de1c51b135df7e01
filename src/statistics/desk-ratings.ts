import type { Types } from 'mongoose';
import type { DeskMonthRatings } from './model.js';

/** One desk's ratings of one month, counted: what the satisfaction page, the dashboard and the workbooks read. */

export interface CountedRating {
  satisfied: number;
  level?: string | null;
  criteria?: string[] | null;
  officerId?: Types.ObjectId | null;
  comment?: string | null;
}

export function emptyDeskMonth(): Required<DeskMonthRatings> {
  return { total: 0, satisfied: 0, levels: {}, ticks: {}, officers: {}, comments: 0 };
}

const bump = (map: Record<string, number>, key: string, by = 1) => (map[key] = (map[key] ?? 0) + by);

export function addRating(to: DeskMonthRatings, r: CountedRating): void {
  const officers: DeskMonthRatings['officers'] = r.officerId ? { [String(r.officerId)]: { ratings: 1, satisfied: r.satisfied, ticks: r.criteria?.length ?? 0 } } : {};
  const ticks = Object.fromEntries((r.criteria ?? []).map((code) => [code, 1]));
  addDeskMonth(to, { total: 1, satisfied: r.satisfied, levels: r.level ? { [r.level]: 1 } : {}, ticks, officers, comments: r.comment ? 1 : 0 });
}

/** One desk's counts over several months (a year, a window), summed. */
export function sumDeskMonths(months: Iterable<DeskMonthRatings>): Required<DeskMonthRatings> {
  const sum = emptyDeskMonth();
  for (const m of months) addDeskMonth(sum, m);
  return sum;
}

/** Adds one desk-month's counts to another (figures of shape < 7 carry only total and satisfied). */
export function addDeskMonth(to: DeskMonthRatings, from: DeskMonthRatings): void {
  to.total += from.total;
  to.satisfied += from.satisfied;
  for (const [k, n] of Object.entries(from.levels ?? {})) bump((to.levels ??= {}), k, n);
  for (const [k, n] of Object.entries(from.ticks ?? {})) bump((to.ticks ??= {}), k, n);
  for (const [id, o] of Object.entries(from.officers ?? {})) {
    const t = ((to.officers ??= {})[id] ??= { ratings: 0, satisfied: 0, ticks: 0 });
    t.ratings += o.ratings;
    t.satisfied += o.satisfied;
    t.ticks += o.ticks;
  }
  to.comments = (to.comments ?? 0) + (from.comments ?? 0);
}
