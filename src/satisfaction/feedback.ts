import type { Types } from 'mongoose';
import { versionInForce } from '../conduct-code/index.js';
import { staffNames } from '../staff/index.js';
import { isDesk, unitsSnapshot, type UnitInfo } from '../units/index.js';
import { RatingModel } from './model.js';
import { suppress, type Shown } from '../shared/suppression.js';

/**
 * What citizens told a desk beyond their rating: the criteria they ticked as "went wrong" and their comments, per desk
 * and per officer named by the QR code. Read from the ratings of the desks shown, one equality query per desk and
 * month (`unitId`, `periodKey`): offered for a commune or a desk, whose few desks keep it small, not for a province.
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

interface RatingRow {
  officerId?: Types.ObjectId | null;
  criteria?: string[];
  comment?: string;
  ratedAt: Date;
  satisfied: number;
}

export async function feedbackOfDesks(unit: UnitInfo, months: readonly string[], suppressBelow: number): Promise<DeskFeedback[] | null> {
  const tree = await unitsSnapshot();
  const desks = tree.subtree(unit._id).filter((u) => isDesk(u.kind));
  if (desks.length > FEEDBACK_DESK_LIMIT) return null;
  const version = await versionInForce(unit.path[0]!);
  const labels = new Map((version?.criteria ?? []).map((c) => [c.code, { vi: c.plainLabel?.vi || c.name?.vi || c.code, en: c.plainLabel?.en || c.name?.en || c.plainLabel?.vi || c.code }]));
  const perDesk = await Promise.all(
    desks.map(async (desk) => ({
      desk,
      rows: (await Promise.all(months.map((periodKey) => RatingModel.find({ unitId: desk._id, periodKey }).select('officerId criteria comment ratedAt satisfied').lean<RatingRow[]>()))).flat(),
    })),
  );
  const officerIds = [...new Set(perDesk.flatMap(({ rows }) => rows.map((r) => r.officerId).filter((id): id is Types.ObjectId => id != null).map(String)))];
  const names = await staffNames(officerIds);
  return perDesk
    .filter(({ rows }) => rows.length > 0)
    .map(({ desk, rows }) => {
      const ticked = new Map<string, number>();
      for (const r of rows) for (const code of r.criteria ?? []) ticked.set(code, (ticked.get(code) ?? 0) + 1);
      const byOfficer = new Map<string, RatingRow[]>();
      for (const r of rows) if (r.officerId) byOfficer.set(String(r.officerId), [...(byOfficer.get(String(r.officerId)) ?? []), r]);
      return {
        deskId: String(desk._id),
        name: desk.name,
        ratings: rows.length,
        ticks: [...ticked].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code, n]) => ({ code, label: labels.get(code) ?? { vi: code, en: code }, count: suppress(n, suppressBelow) })),
        officers: [...byOfficer]
          .map(([id, list]) => ({
            name: names.get(id) ?? '',
            ratings: suppress(list.length, suppressBelow),
            satisfied: suppress(list.filter((r) => r.satisfied === 1).length, suppressBelow),
            ticks: suppress(list.reduce((n, r) => n + (r.criteria?.length ?? 0), 0), suppressBelow),
          }))
          .sort((a, b) => a.name.localeCompare(b.name, 'vi')),
        comments: rows
          .filter((r) => r.comment)
          .sort((a, b) => b.ratedAt.getTime() - a.ratedAt.getTime())
          .slice(0, LATEST_COMMENTS)
          .map((r) => ({ at: r.ratedAt, officerName: r.officerId ? (names.get(String(r.officerId)) ?? '') : '', text: r.comment! })),
      };
    });
}
