import type { Types } from 'mongoose';
import { scopeRoots, type Actor } from '../auth/index.js';
import { vietnamDay } from '../shared/dates.js';
import { pageInfo, PAGE_SIZE } from '../shared/pagination.js';
import { compareUnits } from '../units/index.js';
import { outermostUnits, unitsSnapshot } from '../units/index.js';
import { caseCounts, caseIndex, OPEN_STATUSES, isOpen } from './counters.js';
import { FINAL_STATUSES, IncidentReportModel, REPORT_STATUSES, type IncidentReport, type ReportStatus } from './model.js';
import { casesAbout, casesKeptFrom } from './readers.js';

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

const ROW = 'caseNumber source kind status receivedAt unitName staffName criterionCodes dueAt overdue escalationLevel conflictOfInterest outcome';
/** What the in-app conditions need besides the row. */
const SELECT = `${ROW} handlerUnitPath unitPath staffId excludedUserIds`;
/** How long a page waits for the inbox to be numbered (an older database, on first use) before reading it the old way. */
const NUMBERING_WAIT_MS = 2000;

type Row = Pick<IncidentReport, '_id' | 'caseNumber' | 'status' | 'receivedAt' | 'dueAt' | 'criterionCodes' | 'unitPath' | 'handlerUnitPath' | 'staffId' | 'excludedUserIds'>;

/** The actor's head/admin roots, without those under another root. */
export async function inboxRoots(actor: Actor): Promise<Types.ObjectId[]> {
  return outermostUnits(scopeRoots(actor, 'head', 'admin'));
}

/**
 * The cases the actor handles (their grants cover the handling unit), minus those about themselves, newest first.
 * A page reads its own rows: by the inbox's numbering (overall, per criterion or per unit, counters.ts), a final
 * status as a condition on those rows with its total from the status counters; an open status or the overdue filter
 * reads the open cases only (a working set, not the history).
 */
export async function listCases(actor: Actor, filters: InboxFilters, now = new Date()) {
  const roots = await inboxRoots(actor);
  if (!roots.length) return { rows: [], pager: pageInfo(1, 0) };
  const today = vietnamDay(now).getTime();
  const cutoff = filters.olderThanDays ? new Date(now.getTime() - filters.olderThanDays * 86_400_000) : undefined;
  const status = filters.status && REPORT_STATUSES.includes(filters.status) ? filters.status : undefined;
  const lateNow = (r: Pick<Row, 'dueAt' | 'status'>) => r.dueAt != null && isOpen(r.status) && today > r.dueAt.getTime();
  const mine = await aboutActor(actor, roots);
  const visible = (r: Row) => !mine.has(String(r._id));
  const shape = (rows: Row[]) => rows.map((r) => ({ ...r, late: lateNow(r) }));

  if ((status && isOpen(status)) || filters.overdue) {
    // The working set: open cases only, one equality look-up per open status and root.
    const statuses = status ? (isOpen(status) ? [status] : []) : OPEN_STATUSES;
    const found = (await Promise.all(roots.flatMap((root) => statuses.map((s) => IncidentReportModel.find({ handlerUnitPath: root, status: s }).select(SELECT).lean<Row[]>())))).flat();
    const rows = dedupe(found)
      .filter(visible)
      .filter((r) => !filters.criterion || r.criterionCodes.includes(filters.criterion))
      .filter((r) => !filters.unitId || r.unitPath.some((id) => id.equals(filters.unitId!)))
      .filter((r) => !cutoff || r.receivedAt.getTime() < cutoff.getTime())
      .filter((r) => !filters.overdue || lateNow(r))
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || String(b._id).localeCompare(String(a._id)));
    const pager = pageInfo(filters.page, rows.length);
    return { rows: shape(rows.slice((pager.page - 1) * PAGE_SIZE, pager.page * PAGE_SIZE)), pager };
  }

  if (!(await caseIndex.ensure(NUMBERING_WAIT_MS))) return legacyListCases(actor, filters, now);
  const snapshot = await unitsSnapshot();
  const sources = [];
  const pushdown: Record<string, unknown> = {};
  for (const root of roots) {
    let dim = 'all';
    if (filters.unitId) {
      const unit = snapshot.byId(filters.unitId);
      const rootUnit = snapshot.byId(root);
      const isRootOrAbove = rootUnit?.path.some((id) => id.equals(filters.unitId!)) ?? false;
      const isBelow = unit?.path.some((id) => id.equals(root)) ?? false;
      if (!isRootOrAbove && !isBelow) continue; // nothing of that unit is handled under this root
      if (isBelow && !isRootOrAbove) dim = `u:${String(filters.unitId)}`;
    }
    if (filters.criterion) {
      if (dim !== 'all') pushdown.criterionCodes = filters.criterion;
      else dim = `c:${filters.criterion}`;
    }
    sources.push({ scope: String(root), dim });
  }
  if (!sources.length) return { rows: [], pager: pageInfo(1, 0) };
  if (status) pushdown.status = status;
  // The total of a status alone comes from the counters; other combinations are counted by walking their sequence.
  const knownTotal =
    status && sources.length === 1 && sources[0]!.dim === 'all' && !cutoff && mine.size === 0 ? (await caseCounts(sources[0]!.scope)).byStatus[status] ?? 0 : undefined;
  const test = mine.size ? (r: Record<string, unknown>) => visible(r as unknown as Row) : undefined;
  const result = await caseIndex.page({ sources, page: filters.page, size: PAGE_SIZE, select: SELECT, to: cutoff, pushdown, test, knownTotal });
  return { rows: shape(result.rows as unknown as Row[]), pager: pageInfo(result.page, result.total) };
}

/** Cases about the actor in their scope (as the subject or one of the subject's accounts): kept out of their inbox. */
async function aboutActor(actor: Actor, roots: readonly Types.ObjectId[]): Promise<Set<string>> {
  const found = await Promise.all([
    casesKeptFrom(actor.userId),
    actor.staffId ? casesAbout(actor.staffId) : [],
  ]);
  return new Set(
    found
      .flat()
      .filter((r) => r.handlerUnitPath.some((h) => roots.some((root) => root.equals(h))))
      .map((r) => String(r._id)),
  );
}

function dedupe<T extends { _id: Types.ObjectId }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(String(r._id)) && seen.add(String(r._id)));
}

/** The inbox read by one query over the whole collection: only until the inbox has been numbered. */
async function legacyListCases(actor: Actor, filters: InboxFilters, now = new Date()) {
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
  const total = await IncidentReportModel.countDocuments(query);
  const pager = pageInfo(filters.page, total);
  const rows = await IncidentReportModel.find(query)
    .select(ROW)
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

/** The units the filter offers: those under the actor's head/admin grants (from the unit tree in memory). */
export async function filterUnits(actor: Actor) {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const snapshot = await unitsSnapshot();
  return snapshot.under(roots).sort(compareUnits).map((u) => ({ id: String(u._id), name: u.name }));
}
