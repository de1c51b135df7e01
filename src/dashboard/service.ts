import type { Model, PipelineStage, Types } from 'mongoose';
import { coversUnit, scopeRoots, type Actor } from '../auth/actor.js';
import { ClassificationModel, CLASSIFICATION_LEVELS, EvaluationModel } from '../evaluations/model.js';
import { criteriaOf } from '../exports/yearly-data.js';
import { IncidentReportModel, REPORT_STATUSES } from '../reports/model.js';
import type { ReportSettings } from '../reports/settings.js';
import { earlyWarnings, type EarlyWarning } from '../reports/warnings.js';
import { RatingModel } from '../satisfaction/model.js';
import { Forbidden } from '../shared/errors.js';
import { compareVietnamese } from '../shared/vietnamese.js';
import { StaffModel } from '../staff/model.js';
import { COMMUNE_KINDS, UnitModel, type Unit } from '../units/model.js';
import { findUnitOr404 } from '../units/service.js';

/**
 * Figures for a unit and its subtree in one year. Counts are a $match + $group with a single $sum
 * (FerretDB v1 computes only the first accumulator of a $group): flags and levels go into the group key.
 * Per-commune criterion results come from one lean cursor instead: FerretDB v1's $unwind keeps only
 * _id and the unwound array, so a group on the commune after it would lose the commune.
 */

/** A count as shown: below the threshold (but not zero) it is hidden, so reporters cannot be identified. */
export type Shown = number | { below: number };
export function suppress(n: number, threshold: number): Shown {
  return n > 0 && n < threshold ? { below: threshold } : n;
}

export interface HeatCell {
  rate: number | null;
  band: string;
}
export interface Dashboard {
  unit: { id: string; name: string };
  year: number;
  threshold: number;
  overview: {
    staff: number;
    under40: number;
    evaluations: number;
    finalised: number;
    evaluatedStaff: number;
    fullyCompliant: number;
    criterionResults: number;
    criterionFulfilled: number;
    reports: Shown;
    ratings: number;
    satisfied: number;
    classification: { level: string; count: number }[];
  };
  criteria: { code: string; name: string; rate: number | null; reports: Shown }[];
  completion: { periodKey: string; total: number; finalised: number; rate: number | null }[];
  heatmap: { unitName: string; cells: HeatCell[] }[];
  incidentsByMonth: { month: number; byStatus: Shown[]; total: Shown }[];
  statuses: string[];
  satisfaction: { month: number; total: number; satisfied: number; rate: number | null }[];
  warnings: EarlyWarning[];
}

export const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Colour bands of the heat-map (the table shows the number too: colour is never the only signal). */
export function band(r: number | null): string {
  if (r === null) return 'heat-none';
  if (r >= 0.95) return 'heat-5';
  if (r >= 0.9) return 'heat-4';
  if (r >= 0.8) return 'heat-3';
  if (r >= 0.6) return 'heat-2';
  return 'heat-1';
}

type Id = Types.ObjectId;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function count<K>(model: Model<any>, match: Record<string, unknown>, key: unknown, unwind?: string) {
  const stages: PipelineStage[] = [{ $match: match }, ...(unwind ? [{ $unwind: unwind }] : []), { $group: { _id: key, n: { $sum: 1 } } } as PipelineStage];
  return model.aggregate<{ _id: K; n: number }>(stages);
}

type Tally = Map<string, { ok: number; all: number }>;
function tally(map: Tally, key: string, ok: boolean): void {
  const c = map.get(key) ?? { ok: 0, all: 0 };
  c.all++;
  if (ok) c.ok++;
  map.set(key, c);
}

/** Finalised evaluations read once: criterion results per commune and overall, breaches per person. */
async function finalisedResults(match: Record<string, unknown>) {
  const cells: Tally = new Map();
  const byCriterion: Tally = new Map();
  const breachesByStaff = new Map<string, number>();
  let n = 0;
  for await (const e of EvaluationModel.find(match).select('staffId reportingUnitId breachedCount results.criterionCode results.score').lean().cursor({ batchSize: 1000 })) {
    const u = String(e.reportingUnitId);
    for (const r of e.results ?? []) {
      tally(cells, `${u}|${r.criterionCode}`, r.score > 0);
      tally(byCriterion, r.criterionCode, r.score > 0);
    }
    const id = String(e.staffId);
    breachesByStaff.set(id, (breachesByStaff.get(id) ?? 0) + (e.breachedCount ?? 0));
    if (++n % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { cells, byCriterion, breachesByStaff };
}

/** The units a dashboard may be shown for: province, districts and communes under the actor's grants. */
export async function dashboardUnits(actor: Actor): Promise<{ id: string; name: string; depth: number }[]> {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const units = await UnitModel.find({ path: { $in: roots }, kind: { $in: ['province', 'district', ...COMMUNE_KINDS] } })
    .select('name depth kind effectiveTo')
    .lean<Unit[]>();
  return units
    .sort((a, b) => a.depth - b.depth || compareVietnamese(a.name, b.name))
    .map((u) => ({ id: String(u._id), name: u.name, depth: u.depth }));
}

export async function defaultUnitId(actor: Actor): Promise<string | null> {
  const roots = scopeRoots(actor, 'admin', 'head');
  if (!roots.length) return null;
  const units = await UnitModel.find({ _id: { $in: roots } }).select('depth').lean();
  units.sort((a, b) => a.depth - b.depth);
  return units[0] ? String(units[0]._id) : null;
}

export async function dashboard(actor: Actor, unitId: string, year: number, threshold: number, warningSettings: ReportSettings, now = new Date()): Promise<Dashboard> {
  const unit = await findUnitOr404(unitId);
  if (!coversUnit(actor, unit.path, 'head', 'admin')) throw new Forbidden();
  const id: Id = unit._id;
  const inYear = { year, unitPath: id };

  const [staffByBirth, evalByPeriod, finalised, substantiatedStaff, reportsByMonth, reportsByCriterion, ratingsByMonth, classes, criteria] = await Promise.all([
    count<number>(StaffModel, { unitPath: id, active: true }, '$birthYear'),
    count<{ p: string; f: number }>(EvaluationModel, inYear, { p: '$periodKey', f: '$finalised' }),
    finalisedResults({ ...inYear, finalised: 1 }),
    count<Id>(IncidentReportModel, { ...inYear, substantiated: true, staffId: { $ne: null } }, '$staffId'),
    count<{ m: number; s: string }>(IncidentReportModel, inYear, { m: '$month', s: '$status' }),
    count<{ c: string }>(IncidentReportModel, inYear, { c: '$criterionCodes' }, '$criterionCodes'),
    count<{ m: number; s: number }>(RatingModel, inYear, { m: '$month', s: '$satisfied' }),
    count<string>(ClassificationModel, inYear, '$level'),
    criteriaOf(unit.path[0]!, year),
  ]);

  const staff = staffByBirth.reduce((n, r) => n + r.n, 0);
  const under40 = staffByBirth.filter((r) => typeof r._id === 'number' && year - r._id < 40).reduce((n, r) => n + r.n, 0);

  const periods = new Map<string, { total: number; finalised: number }>();
  for (const r of evalByPeriod) {
    const p = periods.get(r._id.p) ?? { total: 0, finalised: 0 };
    p.total += r.n;
    if (r._id.f === 1) p.finalised += r.n;
    periods.set(r._id.p, p);
  }
  const completion = [...periods.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([periodKey, p]) => ({ periodKey, ...p, rate: rate(p.finalised, p.total) }));

  // Per commune and criterion: results fulfilled (score > 0) out of all.
  const { cells, byCriterion } = finalised;
  const communeIds = [...new Set([...cells.keys()].map((k) => k.split('|')[0]!))];
  const names = new Map((await UnitModel.find({ _id: { $in: communeIds } }).select('name').lean()).map((u) => [String(u._id), u.name]));
  const heatmap = communeIds
    .map((u) => ({
      unitName: names.get(u) ?? '',
      cells: criteria.map((c) => {
        const x = cells.get(`${u}|${c.code}`);
        const r = x ? rate(x.ok, x.all) : null;
        return { rate: r, band: band(r) };
      }),
    }))
    .sort((a, b) => compareVietnamese(a.unitName, b.unitName));

  const withIncidents = new Set(substantiatedStaff.map((r) => String(r._id)));
  let fullyCompliant = 0;
  for (const [staffId, breaches] of finalised.breachesByStaff) if (breaches === 0 && !withIncidents.has(staffId)) fullyCompliant++;

  const statuses = [...REPORT_STATUSES];
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  const reportCount = (m: number, s: string) => reportsByMonth.filter((r) => r._id.m === m && r._id.s === s).reduce((n, r) => n + r.n, 0);
  const incidentsByMonth = months.map((m) => ({
    month: m,
    byStatus: statuses.map((s) => suppress(reportCount(m, s), threshold)),
    total: suppress(statuses.reduce((n, s) => n + reportCount(m, s), 0), threshold),
  }));
  const reportsPerCriterion = new Map(reportsByCriterion.map((r) => [r._id.c, r.n]));

  const satisfaction = months.map((m) => {
    const total = ratingsByMonth.filter((r) => r._id.m === m).reduce((n, r) => n + r.n, 0);
    const satisfied = ratingsByMonth.filter((r) => r._id.m === m && r._id.s === 1).reduce((n, r) => n + r.n, 0);
    return { month: m, total, satisfied, rate: rate(satisfied, total) };
  });

  let fulfilled = 0;
  let all = 0;
  for (const c of byCriterion.values()) {
    fulfilled += c.ok;
    all += c.all;
  }
  const warnings = (await earlyWarnings(actor, warningSettings, now)).slice(0, 50);

  return {
    unit: { id: String(unit._id), name: unit.name },
    year,
    threshold,
    overview: {
      staff,
      under40,
      evaluations: completion.reduce((n, p) => n + p.total, 0),
      finalised: completion.reduce((n, p) => n + p.finalised, 0),
      evaluatedStaff: finalised.breachesByStaff.size,
      fullyCompliant,
      criterionResults: all,
      criterionFulfilled: fulfilled,
      reports: suppress(reportsByMonth.reduce((n, r) => n + r.n, 0), threshold),
      ratings: satisfaction.reduce((n, s) => n + s.total, 0),
      satisfied: satisfaction.reduce((n, s) => n + s.satisfied, 0),
      classification: CLASSIFICATION_LEVELS.map((level) => ({ level, count: classes.find((c) => c._id === level)?.n ?? 0 })),
    },
    criteria: criteria.map((c) => {
      const x = byCriterion.get(c.code);
      return { code: c.code, name: c.name, rate: x ? rate(x.ok, x.all) : null, reports: suppress(reportsPerCriterion.get(c.code) ?? 0, threshold) };
    }),
    completion,
    heatmap,
    incidentsByMonth,
    statuses,
    satisfaction,
    warnings,
  };
}
