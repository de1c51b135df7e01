import { coversUnit, scopeRoots, type Actor } from '../auth/index.js';
import { CLASSIFICATION_LEVELS } from '../evaluations/index.js';
import { criteriaOfYear } from '../conduct-code/index.js';
import { REPORT_STATUSES } from '../incidents/index.js';
import { RATING_LEVELS } from '../satisfaction/index.js';
import type { ReportSettings } from '../incidents/index.js';
import { earlyWarnings, type EarlyWarning } from '../incidents/index.js';
import { Forbidden, NotFound } from '../shared/errors.js';
import * as statistics from '../statistics/index.js';
import { compareVietnamese } from '../shared/text.js';
import { COMMUNE_KINDS } from '../units/index.js';
import { unitsByIds, unitsSnapshot } from '../units/index.js';
import { unitById } from '../units/index.js';

/**
 * Figures for a unit and its subtree in one year, summed from the statistics read model (one small document per
 * reporting unit and year, recomputed only where something changed), so the page costs the same in the tenth
 * year as in the first.
 */

import { suppress, type Shown } from '../shared/suppression.js';
export type { Shown };

export interface HeatCell {
  rate: number | null;
  band: string;
}
/** Names of merged units as they read inside a sentence ("xã Thanh Luông, xã Hua Thanh"); '' for none. */
function mergedNames(units: readonly { unitName: string }[] | undefined): string {
  return (units ?? []).map((u) => u.unitName.charAt(0).toLocaleLowerCase('vi') + u.unitName.slice(1)).join(', ');
}

export interface Dashboard {
  unit: { id: string; name: string };
  /** Units merged into this one by the year's end whose records it includes ('' for none). */
  includes: string;
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
    lateDossiers: number;
    apologyBreaches: number;
    classification: { level: string; count: number }[];
  };
  /** Per criterion: evaluations' fulfilment rate, reports alleging it, and kiosk ratings that ticked it as not right. */
  criteria: { code: string; name: string; rate: number | null; reports: Shown; kioskTicks: Shown }[];
  completion: { periodKey: string; total: number; finalised: number; rate: number | null }[];
  heatmap: { unitName: string; includes: string; cells: HeatCell[] }[];
  incidentsByMonth: { month: number; byStatus: Shown[]; total: Shown }[];
  /** Reporters' answers to the questionnaire once their case was settled, suppressed like every report count. */
  handlingFeedback: { kind: keyof statistics.HandlingFeedback; count: Shown }[];
  statuses: string[];
  satisfaction: { month: number; total: number; satisfied: number; rate: number | null }[];
  /** What citizens told each desk at the kiosk in the year: answers per level, ticks and comments (read on /satisfaction). */
  deskFeedback: DeskFeedbackRow[];
  ratingLevels: readonly string[];
  warnings: EarlyWarning[];
}

export interface DeskFeedbackRow {
  /** The commune (reporting unit) whose satisfaction page shows the desk's officers and comments. */
  reportingUnitId: string;
  reportingUnitName: string;
  deskName: string;
  ratings: number;
  satisfied: number;
  levels: number[];
  ticks: Shown;
  comments: Shown;
}

const HANDLING_FEEDBACK_KINDS = ['satisfied', 'neutral', 'dissatisfied', 'reopened'] as const;

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

/** The units a dashboard may be shown for: province, districts and communes under the actor's grants. */
export async function dashboardUnits(actor: Actor): Promise<{ id: string; name: string; depth: number }[]> {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const tree = await unitsSnapshot();
  const kinds: readonly string[] = ['province', 'district', ...COMMUNE_KINDS];
  return tree
    .under(roots)
    .filter((u) => kinds.includes(u.kind))
    .sort((a, b) => a.depth - b.depth || compareVietnamese(a.name, b.name))
    .map((u) => ({ id: String(u._id), name: u.name, depth: u.depth }));
}

export async function defaultUnitId(actor: Actor): Promise<string | null> {
  const units = await unitsByIds(scopeRoots(actor, 'admin', 'head'));
  units.sort((a, b) => a.depth - b.depth);
  return units[0] ? String(units[0]._id) : null;
}

export async function dashboard(actor: Actor, unitId: string, year: number, threshold: number, warningSettings: ReportSettings, now = new Date()): Promise<Dashboard> {
  // From the unit tree in memory (the page reads it anyway), not by a look-up of its own on every view.
  const unit = await unitById(unitId);
  if (!unit) throw new NotFound();
  if (!coversUnit(actor, unit.path, 'head', 'admin')) throw new Forbidden();
  const [tree, perUnit, criteria, allWarnings] = await Promise.all([
    unitsSnapshot(),
    statistics.figuresUnder(unit, year),
    criteriaOfYear(unit.path[0]!, year),
    earlyWarnings(actor, warningSettings, now),
  ]);
  return { ...viewOfFigures(unit, tree, perUnit, criteria, year, threshold), warnings: allWarnings.slice(0, 50) };
}

type ShownUnit = NonNullable<Awaited<ReturnType<typeof unitById>>>;
type Tree = Awaited<ReturnType<typeof unitsSnapshot>>;
type PerUnit = Awaited<ReturnType<typeof statistics.figuresUnder>>;
type Criteria = Awaited<ReturnType<typeof criteriaOfYear>>;
type FiguresView = Omit<Dashboard, 'warnings'>;

/**
 * What the figures show is the same for every reader of the unit and year while the figures, the unit tree and the
 * criteria stay the same (the statistics hand out the same list then): summed and laid out once, not on every view.
 * Shared between requests, so never changed after it is made.
 */
const viewsOfFigures = new WeakMap<PerUnit, { unitId: string; tree: Tree; criteria: string; year: number; threshold: number; view: FiguresView }>();

function viewOfFigures(unit: ShownUnit, tree: Tree, perUnit: PerUnit, criteria: Criteria, year: number, threshold: number): FiguresView {
  const known = viewsOfFigures.get(perUnit);
  // The criteria are read anew on every view: compared by what they say.
  const criteriaKey = JSON.stringify(criteria.map((c) => [c.code, c.name]));
  if (known && known.unitId === String(unit._id) && known.tree === tree && known.criteria === criteriaKey && known.year === year && known.threshold === threshold) return known.view;
  const view = laidOut(unit, tree, perUnit, criteria, year, threshold);
  viewsOfFigures.set(perUnit, { unitId: String(unit._id), tree, criteria: criteriaKey, year, threshold, view });
  return view;
}

function laidOut(unit: ShownUnit, tree: Tree, perUnit: PerUnit, criteria: Criteria, year: number, threshold: number): FiguresView {
  const f = statistics.sumFigures(perUnit.map((u) => u.figures));

  const completion = Object.entries(f.periods)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([periodKey, p]) => ({ periodKey, ...p, rate: rate(p.finalised, p.total) }));

  // Per reporting unit (commune) and criterion: results fulfilled (score > 0) out of all.
  const heatmap = perUnit
    .filter((u) => Object.keys(u.figures.results).length > 0)
    .map((u) => ({
      unitName: u.unitName,
      includes: mergedNames(u.includes),
      cells: criteria.map((c) => {
        const x = u.figures.results[c.code];
        const r = x ? rate(x.ok, x.all) : null;
        return { rate: r, band: band(r) };
      }),
    }))
    .sort((a, b) => compareVietnamese(a.unitName, b.unitName));

  const statuses = [...REPORT_STATUSES];
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  const reportCount = (m: number, s: string) => f.reports[m]?.[s] ?? 0;
  const incidentsByMonth = months.map((m) => ({
    month: m,
    byStatus: statuses.map((s) => suppress(reportCount(m, s), threshold)),
    total: suppress(statuses.reduce((n, s) => n + reportCount(m, s), 0), threshold),
  }));
  const satisfaction = months.map((m) => {
    const r = f.ratings[m] ?? { total: 0, satisfied: 0 };
    return { month: m, total: r.total, satisfied: r.satisfied, rate: rate(r.satisfied, r.total) };
  });
  const kioskTicks = new Map<string, number>();
  const deskFeedback = perUnit
    .flatMap((u) =>
      Object.entries(u.figures.ratingsByDesk).map(([deskId, byMonth]) => {
        const year = statistics.sumDeskMonths(Object.values(byMonth));
        for (const [code, n] of Object.entries(year.ticks)) kioskTicks.set(code, (kioskTicks.get(code) ?? 0) + n);
        const ticks = Object.values(year.ticks).reduce((a, b) => a + b, 0);
        return {
          reportingUnitId: u.unitId,
          reportingUnitName: u.unitName,
          deskName: tree.byId(deskId)?.name ?? '',
          ratings: year.total,
          satisfied: year.satisfied,
          levels: RATING_LEVELS.map((l) => year.levels[l] ?? 0),
          ticks: suppress(ticks, threshold),
          comments: suppress(year.comments, threshold),
        };
      }),
    )
    .filter((row) => row.ratings > 0)
    .sort((a, b) => compareVietnamese(a.reportingUnitName, b.reportingUnitName) || compareVietnamese(a.deskName, b.deskName));
  let fulfilled = 0;
  let all = 0;
  for (const c of Object.values(f.results)) {
    fulfilled += c.ok;
    all += c.all;
  }
  const reports = Object.values(f.reports).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);

  return {
    unit: { id: String(unit._id), name: unit.name },
    // The merger year: the units merged into this one whose records of the year it includes.
    includes: mergedNames(perUnit.flatMap((u) => u.includes ?? []).filter((m) => !tree.byId(m.unitId)?.path.some((p) => p.equals(unit._id)))),
    year,
    threshold,
    overview: {
      staff: f.staff,
      under40: f.under40,
      evaluations: completion.reduce((n, p) => n + p.total, 0),
      finalised: completion.reduce((n, p) => n + p.finalised, 0),
      evaluatedStaff: f.evaluatedStaff,
      fullyCompliant: f.fullyCompliant,
      criterionResults: all,
      criterionFulfilled: fulfilled,
      reports: suppress(reports, threshold),
      ratings: satisfaction.reduce((n, s) => n + s.total, 0),
      satisfied: satisfaction.reduce((n, s) => n + s.satisfied, 0),
      lateDossiers: f.lateDossiers,
      apologyBreaches: f.apologyBreaches,
      classification: CLASSIFICATION_LEVELS.map((level) => ({ level, count: f.classification[level] ?? 0 })),
    },
    criteria: criteria.map((c) => {
      const x = f.results[c.code];
      return { code: c.code, name: c.name, rate: x ? rate(x.ok, x.all) : null, reports: suppress(f.reportsByCriterion[c.code] ?? 0, threshold), kioskTicks: suppress(kioskTicks.get(c.code) ?? 0, threshold) };
    }),
    completion,
    heatmap,
    incidentsByMonth,
    handlingFeedback: HANDLING_FEEDBACK_KINDS.map((kind) => ({ kind, count: suppress(f.handlingFeedback[kind] ?? 0, threshold) })),
    statuses,
    satisfaction,
    deskFeedback,
    ratingLevels: RATING_LEVELS,
  };
}
