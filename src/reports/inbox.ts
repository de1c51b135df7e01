import type { Types } from 'mongoose';
import { scopeRoots, type Actor } from '../auth/actor.js';
import { vietnamDay } from '../holidays/working-days.js';
import { pageInfo, PAGE_SIZE } from '../shared/pagination.js';
import { compareUnits } from '../units/service.js';
import { UnitModel } from '../units/model.js';
import { FINAL_STATUSES, IncidentReportModel, REPORT_STATUSES, type IncidentReport, type ReportStatus } from './model.js';

export const AGE_FILTERS = ['7', '30', '90'] as const;

export interface InboxFilters {
  status?: ReportStatus;
  criterion?: string;
  unitId?: Types.ObjectId;
  /** Received more than this many days ago. */
  olderThanDays?: number;
  overdue?: boolean;
  page: number;
}

/** The cases the actor handles (their grants cover the handling unit), minus those about themselves. */
export async function listCases(actor: Actor, filters: InboxFilters, now = new Date()) {
  const roots = scopeRoots(actor, 'head', 'admin');
  const query: Record<string, unknown> = { handlerUnitPath: { $in: roots }, excludedUserIds: { $ne: actor.userId } };
  const and: Record<string, unknown>[] = [];
  if (actor.staffId) and.push({ staffId: { $ne: actor.staffId } });
  if (filters.status && REPORT_STATUSES.includes(filters.status)) query.status = filters.status;
  if (filters.criterion) query.criterionCodes = filters.criterion;
  if (filters.unitId) query.unitPath = filters.unitId;
  if (filters.olderThanDays) query.receivedAt = { $lt: new Date(now.getTime() - filters.olderThanDays * 86_400_000) };
  if (filters.overdue) and.push({ status: { $nin: [...FINAL_STATUSES] } }, { dueAt: { $lt: vietnamDay(now) } });
  if (and.length) query.$and = and;
  if (!roots.length) return { rows: [], pager: pageInfo(1, 0) };
  const total = await IncidentReportModel.countDocuments(query);
  const pager = pageInfo(filters.page, total);
  const rows = await IncidentReportModel.find(query)
    .select('caseNumber source kind status receivedAt unitName staffName criterionCodes dueAt overdue escalationLevel conflictOfInterest outcome')
    .sort({ receivedAt: -1 })
    .skip((pager.page - 1) * PAGE_SIZE)
    .limit(PAGE_SIZE)
    .lean<IncidentReport[]>();
  const today = vietnamDay(now).getTime();
  return {
    rows: rows.map((r) => ({ ...r, late: r.dueAt != null && !FINAL_STATUSES.includes(r.status as ReportStatus) && today > r.dueAt.getTime() })),
    pager,
  };
}

/** The units the filter offers: those under the actor's head/admin grants. */
export async function filterUnits(actor: Actor) {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const units = await UnitModel.find({ path: { $in: roots } }).select('name kind').lean();
  return units.sort(compareUnits).map((u) => ({ id: String(u._id), name: u.name }));
}
