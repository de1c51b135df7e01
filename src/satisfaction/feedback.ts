import type { Types } from 'mongoose';
import { versionInForce } from '../conduct-code/index.js';
import { staffNames } from '../staff/index.js';
import { sumDeskMonths, type DeskMonthRatings } from '../statistics/index.js';
import type { UnitInfo } from '../units/index.js';
import { keptByKey } from '../shared/kept-in-memory.js';
import { RatingModel, ratingWrites } from './model.js';
import { suppress, type Shown } from '../shared/suppression.js';
import { compareVietnamese } from '../shared/text.js';

/**
 * What citizens told a desk beyond their rating: the criteria they ticked as "went wrong" and their comments, per desk
 * and per officer named by the QR code. The counts come from the statistics read model (per desk and month); only the
 * latest comments are read from the ratings, month by month back from the last one that has any, and kept in memory
 * until a rating changes. Offered for a commune or a desk, not for a province (a page of every desk would not be read).
 * Counts below the suppression threshold are shown as "<n", as in the other statistics.
 */

/** More desks than this (a district, a province) and the page asks the reader to pick a commune. */
export const FEEDBACK_DESK_LIMIT = 6;
const LATEST_COMMENTS = 10;

export interface DeskFeedback {
  deskId: string;
  name: string;
  ratings: number;
  /** Criteria ticked as not right, most ticked first. */
  ticks: { code: string; label: { vi: string; en: string }; count: Shown }[];
  officers: { name: string; ratings: Shown; satisfied: Shown; ticks: Shown }[];
  comments: { at: Date; officerName: string; text: string }[];
}

interface CommentRow {
  officerId?: Types.ObjectId | null;
  comment?: string;
  ratedAt: Date;
}

const keptComments = keptByKey<{ rows: CommentRow[] }>(ratingWrites, 1000, 500);

/** A desk's comments of one month ('YYYY-MM'), newest first. */
async function commentsOf(deskId: string, periodKey: string): Promise<readonly CommentRow[]> {
  const kept = await keptComments(`${deskId}|${periodKey}`, async () => {
    const rows = await RatingModel.find({ unitId: deskId, periodKey }).select('officerId comment ratedAt').lean<CommentRow[]>();
    return { rows: rows.filter((r) => r.comment).sort((a, b) => b.ratedAt.getTime() - a.ratedAt.getTime()) };
  });
  return kept?.rows ?? [];
}

/** The latest comments of a desk over the months shown, reading only months whose counts say they hold comments. */
async function latestComments(deskId: string, months: readonly { key: string; counts: DeskMonthRatings }[]): Promise<CommentRow[]> {
  const found: CommentRow[] = [];
  for (const { key, counts } of [...months].reverse()) {
    if (found.length >= LATEST_COMMENTS) break;
    if (!counts.comments) continue;
    found.push(...(await commentsOf(deskId, key)));
  }
  return found.slice(0, LATEST_COMMENTS);
}

/**
 * @param desks the desks shown with their counts per month, oldest month first (months without ratings left out).
 * Null when there are more desks than one page of feedback can hold.
 */
export async function feedbackOfDesks(
  unit: UnitInfo,
  desks: readonly { deskId: string; name: string; months: readonly { key: string; counts: DeskMonthRatings }[] }[],
  suppressBelow: number,
): Promise<DeskFeedback[] | null> {
  if (desks.length > FEEDBACK_DESK_LIMIT) return null;
  const version = await versionInForce(unit.path[0]!);
  const labels = new Map((version?.criteria ?? []).map((c) => [c.code, { vi: c.plainLabel?.vi || c.name?.vi || c.code, en: c.plainLabel?.en || c.name?.en || c.plainLabel?.vi || c.code }]));
  const perDesk = await Promise.all(
    desks.map(async (desk) => ({ desk, counts: sumDeskMonths(desk.months.map((m) => m.counts)), comments: await latestComments(desk.deskId, desk.months) })),
  );
  const officerIds = [...new Set(perDesk.flatMap(({ counts, comments }) => [...Object.keys(counts.officers), ...comments.flatMap((c) => (c.officerId ? [String(c.officerId)] : []))]))];
  const names = await staffNames(officerIds);
  return perDesk
    .filter(({ counts }) => counts.total > 0)
    .map(({ desk, counts, comments }) => ({
      deskId: desk.deskId,
      name: desk.name,
      ratings: counts.total,
      ticks: Object.entries(counts.ticks)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([code, n]) => ({ code, label: labels.get(code) ?? { vi: code, en: code }, count: suppress(n, suppressBelow) })),
      officers: Object.entries(counts.officers)
        .map(([id, o]) => ({
          name: names.get(id) ?? '',
          ratings: suppress(o.ratings, suppressBelow),
          satisfied: suppress(o.satisfied, suppressBelow),
          ticks: suppress(o.ticks, suppressBelow),
        }))
        .sort((a, b) => compareVietnamese(a.name, b.name)),
      comments: comments.map((r) => ({ at: r.ratedAt, officerName: r.officerId ? (names.get(String(r.officerId)) ?? '') : '', text: r.comment! })),
    }));
}
