import { Types } from 'mongoose';
import { upserting } from '../db/errors.js';
import { compareVietnamese } from '../shared/text.js';
import { onRecordsChanged, onUnitsChanged } from '../shared/changes.js';
import { readRevision, replaceRevision } from '../shared/kept-in-memory.js';
import { rememberedAcrossRequests } from '../shared/process-caches.js';
import { memoisedPerRequest } from '../shared/request-memo.js';
import { distinctUnitLabels, isCommuneLevel, predecessorsReportedUnder, reportedUnder, unitsSnapshot, type UnitsSnapshot } from '../units/index.js';
import { FIGURES_SHAPE, FiguresModel, TokenModel, type StoredFigures, type UnitYearFigures } from './model.js';
import { computeOwnFigures, type ReportingUnit } from './sources.js';
import { addDeskMonth, emptyDeskMonth } from './desk-ratings.js';

/**
 * The statistics read model's public door. Writers call `recordChange` after they write; dashboards (and exports)
 * read `figuresUnder`, which recomputes only the reporting units whose figures are missing or older than their
 * last change. See model.ts for the freshness rule.
 */

export type { DeskMonthRatings, HandlingFeedback, StaffGroupFigures, UnitYearFigures } from './model.js';
export { addDeskMonth, emptyDeskMonth, sumDeskMonths } from './desk-ratings.js';

export interface ReportingUnitFigures {
  unitId: string;
  /** The unit's name; followed by its code when another row of the list has the same name. */
  unitName: string;
  kind: string;
  figures: UnitYearFigures;
  /** Units whose records of the year are counted in this row: those merged into it by the year's end (the merger year). */
  includes?: { unitId: string; unitName: string; code: string }[];
}

type Id = Types.ObjectId;
const keyOf = (unitId: Id | string, year: number) => `${String(unitId)}:${year}`;
const newToken = () => new Types.ObjectId().toHexString();
/** Replaced by every change recorded in the province (any year) and by reorganisations touching it. */
const provinceRevision = (provinceId: Id | string) => `statistics:${String(provinceId)}`;

/**
 * Figures this process has read, per unit and year, with the province's revision and the unit tree they were read
 * under: a province-wide page costs one `_id` look-up while nothing changed (instead of reading every commune's
 * figures and tokens).
 */
const remembered = new Map<string, { revision: string | null; tree: UnitsSnapshot; list: ReportingUnitFigures[] }>();
rememberedAcrossRequests(() => remembered.clear());

/** Province revisions this process has replaced: a request reads a revision again after its own changes. */
let localChanges = 0;
async function changeRevision(provinceId: Id | string): Promise<void> {
  await replaceRevision(provinceRevision(provinceId));
  localChanges++;
}

/**
 * The province's revision, read once per request (a head's satisfaction page asked it once per unit and predecessor)
 * and again after a change recorded by this process.
 */
const provinceRevisionNow = (provinceId: Id | string) =>
  memoisedPerRequest(`statistics.revision.${String(provinceId)}.${localChanges}`, () => readRevision(provinceRevision(provinceId)));

/**
 * Call after writing a record that statistics count (evaluation, classification, report, rating, late dossier,
 * staff record): the figures of its reporting unit for that year will be recomputed when next read.
 */
export async function recordChange(unitPath: readonly Id[], year: number): Promise<void> {
  const unit = await reportingUnitOf(unitPath);
  if (!unit) return;
  const set = { $set: { unitId: unit._id, unitPath: unit.path, year, token: newToken() } };
  await upserting((upsert) => TokenModel.updateOne({ _id: keyOf(unit._id, year) }, set, { upsert }));
  // After the unit's token: a reader that sees the new revision also sees the token.
  await changeRevision(unit.path[0]!);
}

onRecordsChanged(async ({ unitPath, years }) => {
  for (const year of years) await recordChange(unitPath, year);
});

async function reportingUnitOf(unitPath: readonly Id[]): Promise<ReportingUnit | null> {
  const units = await unitsSnapshot();
  const own = unitPath.length ? units.byId(unitPath[unitPath.length - 1]!) : undefined;
  if (!own) return null;
  // A unit under a commune (a desk) answers through that commune.
  for (let i = unitPath.length - 1; i >= 0; i--) {
    const up = units.byId(unitPath[i]!);
    if (up && isCommuneLevel(up.kind)) return up;
  }
  return own;
}

/** Reporting units at or under this unit: communes, and units that have no commune above them. */
async function reportingUnitsUnder(root: Pick<ReportingUnit, '_id'>): Promise<ReportingUnit[]> {
  const units = (await unitsSnapshot()).subtree(root._id);
  const communeIds = new Set(units.filter((u) => isCommuneLevel(u.kind)).map((u) => String(u._id)));
  return units.filter((u) => isCommuneLevel(u.kind) || !u.path.slice(0, -1).some((id) => communeIds.has(String(id))));
}

/** Each reporting unit's figures for the year at or under `root`, fresh: stale or missing ones are recomputed. */
export async function figuresUnder(root: Pick<ReportingUnit, '_id'>, year: number): Promise<ReportingUnitFigures[]> {
  const tree = await unitsSnapshot();
  const top = tree.byId(root._id)?.path[0] ?? root._id;
  const key = keyOf(root._id, year);
  // Read before the figures (not beside them), so figures read under a revision are at least that fresh.
  const revision = await provinceRevisionNow(top);
  const known = remembered.get(key);
  if (known && known.revision === revision && known.tree === tree) return known.list;
  const roots = [root, ...(await predecessorsReportedUnder(tree, root._id, year))];
  const read: ReportingUnitFigures[] = [];
  for (const r of roots) read.push(...(await readFigures(r, year)));
  const list = rolledUp(tree, read, year);
  remembered.set(key, { revision, tree, list });
  return list;
}

/**
 * Rows of units merged by the year's end added to their successor's row (which lists them in `includes`), and names
 * told apart: no two rows carry the same name.
 */
function rolledUp(tree: UnitsSnapshot, read: readonly ReportingUnitFigures[], year: number): ReportingUnitFigures[] {
  const rows = new Map<string, ReportingUnitFigures>();
  const folded: ReportingUnitFigures[] = [];
  for (const row of read) {
    const into = reportedUnder(tree, row.unitId, year);
    if (into && String(into._id) !== row.unitId) folded.push(row);
    else if (!rows.has(row.unitId)) rows.set(row.unitId, { ...row });
  }
  for (const row of folded) {
    const into = reportedUnder(tree, row.unitId, year)!;
    let target = rows.get(String(into._id));
    if (!target) {
      // The successor is not a reporting unit of this list (it lies outside the root): the row stays, as it is.
      rows.set(row.unitId, { ...row });
      continue;
    }
    const own = tree.byId(row.unitId);
    target = { ...target, figures: sumFigures([target.figures, row.figures]), includes: [...(target.includes ?? []), { unitId: row.unitId, unitName: row.unitName, code: own?.code ?? '' }] };
    rows.set(String(into._id), target);
  }
  const list = [...rows.values()].map((r) => (r.includes ? { ...r, includes: [...r.includes].sort((a, b) => compareVietnamese(a.unitName, b.unitName)) } : r));
  const labels = distinctUnitLabels(list.map((r) => ({ _id: r.unitId, name: r.unitName, code: tree.byId(r.unitId)?.code ?? '' })));
  return list.map((r) => ({ ...r, unitName: labels.get(r.unitId) ?? r.unitName }));
}

/** The figures as stored, recomputing the stale or missing ones. */
async function readFigures(root: Pick<ReportingUnit, '_id'>, year: number): Promise<ReportingUnitFigures[]> {
  // Tokens are read before anything is computed: a write that lands during the computation leaves its new token
  // behind, so those figures are recomputed on the next read instead of being taken as fresh.
  const [units, tokens, stored] = await Promise.all([
    reportingUnitsUnder(root),
    TokenModel.find({ unitPath: root._id, year }).select('token').lean(),
    FiguresModel.find({ unitPath: root._id, year }).lean<StoredFigures[]>(),
  ]);
  const tokenOf = new Map(tokens.map((t) => [t._id as unknown as string, t.token]));
  const storedOf = new Map(stored.map((s) => [s._id, s]));
  const out: ReportingUnitFigures[] = [];
  const stale: ReportingUnit[] = [];
  for (const unit of units) {
    const key = keyOf(unit._id, year);
    const s = storedOf.get(key);
    if (s && s.token === (tokenOf.get(key) ?? null) && s.shape === FIGURES_SHAPE) out.push({ unitId: String(unit._id), unitName: unit.name, kind: unit.kind, figures: s.figures });
    else stale.push(unit);
  }
  for (const unit of stale) {
    const key = keyOf(unit._id, year);
    const figures = await computeOwnFigures(unit, year);
    const stored = { _id: key, unitId: unit._id, unitPath: unit.path, unitName: unit.name, year, token: tokenOf.get(key) ?? null, shape: FIGURES_SHAPE, computedAt: new Date(), figures };
    await upserting((upsert) => FiguresModel.replaceOne({ _id: key }, stored, { upsert }));
    out.push({ unitId: String(unit._id), unitName: unit.name, kind: unit.kind, figures });
  }
  return out;
}

/** Figures with nothing counted: the start of a sum. */
export function emptyFigures(): UnitYearFigures {
  return {
    staff: 0, activeStaff: 0, under40: 0, staffByCategory: {}, periods: {}, results: {}, evaluatedStaff: 0, fullyCompliant: 0, reports: {}, reportsByCriterion: {},
    substantiatedByCriterion: {}, substantiatedByMonth: {}, remediesByMonth: {}, handlingFeedback: { satisfied: 0, neutral: 0, dissatisfied: 0, reopened: 0 }, ratings: {}, ratingsByDesk: {}, classification: {}, unclassified: 0, lateDossiers: 0, apologyBreaches: 0,
  };
}

const addCounts = (to: Record<string, number>, from: Record<string, number> | undefined) => {
  for (const [k, n] of Object.entries(from ?? {})) to[k] = (to[k] ?? 0) + n;
};

/** Sums reporting units' figures (every figure is a count, so sums are exact). */
export function sumFigures(list: readonly UnitYearFigures[]): UnitYearFigures {
  const total = emptyFigures();
  for (const f of list) {
    total.staff += f.staff;
    total.activeStaff += f.activeStaff ?? 0;
    total.under40 += f.under40;
    for (const [k, g] of Object.entries(f.staffByCategory ?? {})) {
      const t = (total.staffByCategory![k] ??= { total: 0, under40: 0, education: {}, politicalTheory: {}, generalEducation: {} });
      t.total += g.total;
      t.under40 += g.under40;
      addCounts(t.education, g.education);
      addCounts(t.politicalTheory, g.politicalTheory);
      addCounts(t.generalEducation!, g.generalEducation);
    }
    total.evaluatedStaff += f.evaluatedStaff;
    total.fullyCompliant += f.fullyCompliant;
    total.unclassified += f.unclassified ?? 0;
    total.lateDossiers += f.lateDossiers;
    total.apologyBreaches += f.apologyBreaches;
    for (const [k, p] of Object.entries(f.periods)) {
      const t = (total.periods[k] ??= { total: 0, finalised: 0 });
      t.total += p.total;
      t.finalised += p.finalised;
    }
    for (const [k, r] of Object.entries(f.results)) {
      const t = (total.results[k] ??= { good: 0, done: 0, breached: 0, ok: 0, all: 0 });
      t.good += r.good ?? 0;
      t.done += r.done ?? 0;
      t.breached += r.breached ?? 0;
      t.ok += r.ok;
      t.all += r.all;
    }
    for (const [m, byStatus] of Object.entries(f.reports)) addCounts((total.reports[m] ??= {}), byStatus);
    addCounts(total.reportsByCriterion, f.reportsByCriterion);
    addCounts(total.substantiatedByCriterion, f.substantiatedByCriterion);
    addCounts(total.substantiatedByMonth!, f.substantiatedByMonth);
    for (const [m, byKind] of Object.entries(f.remediesByMonth ?? {})) addCounts((total.remediesByMonth![m] ??= {}), byKind);
    const h = f.handlingFeedback;
    if (h) for (const k of ['satisfied', 'neutral', 'dissatisfied', 'reopened'] as const) total.handlingFeedback[k] += h[k];
    for (const [m, r] of Object.entries(f.ratings)) {
      const t = (total.ratings[m] ??= { total: 0, satisfied: 0 });
      t.total += r.total;
      t.satisfied += r.satisfied;
    }
    for (const [desk, months] of Object.entries(f.ratingsByDesk ?? {})) {
      for (const [m, r] of Object.entries(months)) addDeskMonth(((total.ratingsByDesk[desk] ??= {})[m] ??= emptyDeskMonth()), r);
    }
    addCounts(total.classification, f.classification);
  }
  return total;
}

/** Totals of a unit's figures, as summary rows show them. */
export function totalsOf(f: UnitYearFigures) {
  let evaluations = 0;
  let finalised = 0;
  for (const p of Object.values(f.periods)) {
    evaluations += p.total;
    finalised += p.finalised;
  }
  let fulfilled = 0;
  let results = 0;
  for (const r of Object.values(f.results)) {
    fulfilled += r.ok;
    results += r.all;
  }
  let reports = 0;
  for (const byStatus of Object.values(f.reports)) for (const n of Object.values(byStatus)) reports += n;
  let ratings = 0;
  let satisfied = 0;
  for (const r of Object.values(f.ratings)) {
    ratings += r.total;
    satisfied += r.satisfied;
  }
  return { evaluations, finalised, fulfilled, results, reports, ratings, satisfied };
}

/** Computes missing or stale figures of every province for the year, so the first dashboard after a start is quick. */
export async function warmUp(year: number): Promise<number> {
  let units = 0;
  for (const root of (await unitsSnapshot()).all.filter((u) => u.depth === 0)) units += (await figuresUnder(root, year)).length;
  return units;
}

/**
 * After a reorganisation moved, merged or closed these units: their figures (and those of everything under them)
 * are dropped, to be recomputed with the new tree on the next read.
 */
onUnitsChanged((unitIds) => forgetUnits(unitIds));

async function forgetUnits(unitIds: readonly Id[]): Promise<void> {
  for (const id of unitIds) {
    await FiguresModel.deleteMany({ unitPath: id });
    await TokenModel.deleteMany({ unitPath: id });
  }
  const tree = await unitsSnapshot();
  const provinces = new Set(unitIds.map((id) => String(tree.byId(id)?.path[0] ?? id)));
  for (const provinceId of provinces) await changeRevision(provinceId);
}
