import { isId } from '../shared/ids.js';
import { Types } from 'mongoose';
import { compareSortKeys } from '../shared/text.js';
import type { Actor } from '../auth/index.js';
import { scopeRoots } from '../auth/index.js';
import { isCommuneLevel, unitsSnapshot, type UnitsSnapshot } from '../units/index.js';
import { Forbidden, NotFound } from '../shared/errors.js';
import type { EvaluationStatus, Period } from './model.js';
import { canManagePeriod, canSeePeriod, endExclusive, findPeriodOr404, isPastDeadline } from './periods.js';
import { substantiatedIncidents, substantiatedIncidentsUnder } from '../incidents/index.js';
import { EvaluationResultModel, outcomeOf } from './record-model.js';
import { ownRecords, recordsUnder, type RowRecord } from './roster-records.js';
import { ensurePeriodCopies, ensurePeriodRecords } from './results-store.js';
import { addUp, countRecords, rebuildPeriodTallies, talliesUnder, type CriterionTally, type PeriodTally, type StatusCounts } from './tallies.js';
import { activeJobFor, type JobView } from './jobs.js';

export type { CriterionTally } from './tallies.js';

/**
 * A head's roster of a period, read from the compact result records and the period tallies (never from the
 * evaluations): the people of one unit with equality filters (`periodId` + a unit on their path), and, when the
 * actor's scope holds several communes and more people than one page shows (a province), the communes' tallies with
 * a link to each commune's own roster. Cost is bounded by the unit shown, whatever the size of the province or the
 * years of history.
 */

/** Above this many people in several reporting units, the roster lists the units instead of the people. */
export const ROSTER_PAGE_LIMIT = 150;

export interface RosterRow {
  id: string;
  staffId: string;
  staffName: string;
  position: string;
  unitName: string;
  status: EvaluationStatus;
  totalScore: number;
  maxScore: number;
  breachedCount: number;
  /** Criteria where self and head ratings are two steps apart. */
  disagreementCodes: string[];
  /** Criteria rated "Thực hiện tốt" although a substantiated incident on them happened in the period. */
  goodDespiteIncident: string[];
  selfOverdue: boolean;
  evaluationOverdue: boolean;
}

/** A reporting unit of a large scope, with its tally: one line linking to its own roster. */
export interface RosterUnit {
  unitId: string;
  unitName: string;
  total: number;
  selfSubmitted: number;
  finalised: number;
  late: boolean;
}

export interface Roster {
  period: Period;
  rows: RosterRow[];
  counts: Record<EvaluationStatus, number> & { total: number };
  tallies: CriterionTally[];
  canManage: boolean;
  pastDeadline: boolean;
  /** Units listed instead of their people (a scope larger than one page), or null when everyone is listed. */
  units: RosterUnit[] | null;
  /** The unit picked inside the scope (`?unit=`), or null for the whole scope. */
  unit: { id: string; name: string } | null;
  /** After the deadline, for managers: who has not self-assessed and whose evaluation is not finalised, of the rows shown. */
  overdue: { selfAssessments: RosterRow[]; evaluations: RosterRow[] };
  /** An opening (or "add evaluations") still running for this period. */
  job: JobView | null;
}

export interface RosterOptions {
  /** A unit inside the actor's scope to show on its own. */
  unitId?: string | undefined;
  now?: Date;
  limit?: number;
}


/**
 * The units a roster covers: the actor's head/admin grants (a grant inside another adds nothing), or the one unit
 * picked inside them.
 */
async function scopeOf(actor: Actor, unitId: string | undefined): Promise<{ roots: Types.ObjectId[]; picked: { id: string; name: string } | null }> {
  const grants = scopeRoots(actor, 'head', 'admin');
  if (grants.length === 0) throw new Forbidden();
  const units = await unitsSnapshot();
  const pathOf = (id: Types.ObjectId) => units.byId(id)?.path ?? [id];
  const roots = [...new Map(grants.map((g) => [String(g), g])).values()].filter((r) => !grants.some((o) => !o.equals(r) && pathOf(r).some((p) => p.equals(o))));
  if (!unitId) return { roots, picked: null };
  if (!isId(unitId)) throw new NotFound();
  const unit = units.byId(unitId);
  if (!unit) throw new NotFound();
  if (!roots.some((r) => unit.path.some((p) => p.equals(r)))) throw new Forbidden();
  return { roots: [unit._id], picked: { id: String(unit._id), name: unit.name } };
}

const sum = (list: readonly PeriodTally[], field: keyof StatusCounts) => list.reduce((n, t) => n + (t.counts[field] ?? 0), 0);

/** A unit under a commune-level unit (a desk) has no tally of its own: its commune's counts more people. */
function belowReportingLevel(units: UnitsSnapshot, unitId: Types.ObjectId): boolean {
  const path = units.byId(unitId)?.path ?? [];
  return path.slice(0, -1).some((id) => isCommuneLevel(units.byId(id)?.kind ?? ''));
}

const rebuilding = new Map<string, Promise<number>>();

/**
 * The fresh tallies under a unit. None at all where some should be (the collection emptied, or a period written
 * straight into the database) means they are missing, not zero: they are rebuilt from the records, once.
 */
async function talliesFor(period: Period, root: Types.ObjectId, units: UnitsSnapshot): Promise<PeriodTally[]> {
  const tallies = await talliesUnder(period._id, root);
  if (tallies.length > 0 || period.status === 'DRAFT' || belowReportingLevel(units, root)) return tallies;
  const key = String(period._id);
  let running = rebuilding.get(key);
  if (!running) {
    running = rebuildPeriodTallies(period._id).finally(() => rebuilding.delete(key));
    rebuilding.set(key, running);
  }
  return (await running) > 0 ? talliesUnder(period._id, root) : tallies;
}

export async function rosterFor(actor: Actor, periodId: string, opts: RosterOptions = {}): Promise<Roster> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? ROSTER_PAGE_LIMIT;
  const period = await findPeriodOr404(periodId);
  if (!(await canSeePeriod(actor, period))) throw new Forbidden();
  const { roots, picked } = await scopeOf(actor, opts.unitId);
  const units = await unitsSnapshot();
  // A commune (or a unit under one) is listed person by person, from its records alone; above that level the
  // communes' tallies decide whether the people fit on one page.
  const small = (root: Types.ObjectId) => isCommuneLevel(units.byId(root)?.kind ?? '') || belowReportingLevel(units, root);
  if (roots.every(small)) await ensurePeriodRecords(period);
  else await ensurePeriodCopies(period);
  const past = isPastDeadline(period, now);

  const records = new Map<string, RowRecord>();
  const shownRecords: RowRecord[] = [];
  const figures: { counts: StatusCounts; tallies: CriterionTally[] }[] = [];
  const listed: PeriodTally[] = [];
  // Units shown person by person, whose incidents are read per unit; people shown without their whole unit.
  const wholeUnits: Types.ObjectId[] = [];
  const ownPeople = new Set<string>();
  for (const root of roots) {
    const tallies = small(root) ? [] : (await talliesFor(period, root, units)).filter((t) => t.counts.total > 0);
    if (tallies.length <= 1 || sum(tallies, 'total') <= limit) {
      // Everyone under this unit: their records, and figures counted from the very rows shown.
      const mine = await recordsUnder(period._id, root, units);
      const fresh = mine.filter((r) => !records.has(String(r._id)));
      for (const r of fresh) records.set(String(r._id), r);
      shownRecords.push(...fresh);
      figures.push(countRecords(fresh));
      wholeUnits.push(root);
    } else {
      // Too many people for one page: the reporting units, each with its tally; the unit's own people (those who
      // report to it directly) are listed below them.
      figures.push(addUp(tallies));
      const own = tallies.find((t) => t.unitId.equals(root));
      listed.push(...tallies.filter((t) => t !== own));
      if (own) {
        const mine = await ownRecords(period._id, root);
        for (const r of mine) {
          if (records.has(String(r._id))) continue;
          records.set(String(r._id), r);
          shownRecords.push(r);
          ownPeople.add(String(r.staffId));
        }
      }
    }
  }
  shownRecords.sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));

  // Incident flags need a "Thực hiện tốt" rating: only people rated so are looked up — per unit shown whole, else
  // one equality query per person.
  const outcomes = new Map(shownRecords.map((r) => [String(r._id), outcomeOf(r)]));
  const rated = shownRecords.filter((r) => outcomes.get(String(r._id))!.goodCodes.length > 0).map((r) => r.staffId);
  const ratedIds = new Set(rated.map(String));
  const [from, to] = [period.startDate, endExclusive(period)];
  const found = rated.length
    ? [
        ...(await Promise.all(wholeUnits.map((root) => substantiatedIncidentsUnder(root, from, to)))).flat(),
        ...(await substantiatedIncidents(rated.filter((id) => ownPeople.has(String(id))), from, to)),
      ]
    : [];
  const incidentCodes = new Map<string, Set<string>>();
  for (const i of found.filter((f) => ratedIds.has(String(f.staffId)))) {
    const set = incidentCodes.get(String(i.staffId)) ?? new Set<string>();
    i.criterionCodes.forEach((c) => set.add(c));
    incidentCodes.set(String(i.staffId), set);
  }

  const rows = shownRecords.map((r): RosterRow => {
    const o = outcomes.get(String(r._id))!;
    const codes = incidentCodes.get(String(r.staffId));
    return {
      id: String(r._id),
      staffId: String(r.staffId),
      staffName: r.staffName,
      position: r.position ?? '',
      unitName: r.unitName ?? '',
      status: o.status,
      totalScore: o.totalScore,
      maxScore: o.maxScore,
      breachedCount: o.breachedCount,
      disagreementCodes: o.disagreementCodes,
      goodDespiteIncident: codes ? o.goodCodes.filter((c) => codes.has(c)) : [],
      selfOverdue: past && !r.selfSubmitted && !r.finalised,
      evaluationOverdue: past && !r.finalised,
    };
  });

  const { counts, tallies } = addUp(figures);
  const listedUnits = listed.length
    ? listed
        .map((t) => ({
          unitId: String(t.unitId),
          unitName: units.byId(t.unitId)?.name ?? '',
          total: t.counts.total,
          selfSubmitted: t.counts.selfSubmitted,
          finalised: t.counts.finalised,
          late: past && t.counts.finalised < t.counts.total,
        }))
        .sort((a, b) => a.unitName.localeCompare(b.unitName, 'vi'))
    : null;
  const canManage = canManagePeriod(actor, period);
  const overdueShown = canManage && period.status === 'OPEN' && past;
  return {
    period,
    rows,
    counts: { NOT_STARTED: counts.NOT_STARTED, SELF_ASSESSED: counts.SELF_ASSESSED, EVALUATED: counts.EVALUATED, FINALISED: counts.FINALISED, total: counts.total },
    tallies,
    canManage,
    pastDeadline: past,
    units: listedUnits,
    unit: picked,
    overdue: {
      selfAssessments: overdueShown ? rows.filter((r) => r.selfOverdue) : [],
      evaluations: overdueShown ? rows.filter((r) => r.evaluationOverdue) : [],
    },
    job: await activeJobFor(period._id),
  };
}

export interface UnitCompletion {
  unitId: string;
  unitName: string;
  total: number;
  selfSubmitted: number;
  finalised: number;
  late: boolean;
}

/** Completion per commune-level unit for a period, least complete first: who is late. Read from the period tallies. */
export async function completionByUnit(actor: Actor, periodId: string, now = new Date()): Promise<{ period: Period; units: UnitCompletion[] }> {
  const period = await findPeriodOr404(periodId);
  if (!(await canSeePeriod(actor, period))) throw new Forbidden();
  const { roots } = await scopeOf(actor, undefined);
  await ensurePeriodCopies(period);
  const byUnit = new Map<string, StatusCounts>();
  const units = await unitsSnapshot();
  for (const root of roots) {
    const tallies = await talliesFor(period, root, units);
    for (const t of tallies) byUnit.set(String(t.unitId), t.counts);
    if (tallies.length === 0) {
      // A grant below a commune (a desk): its own people, grouped by the unit they report to.
      const mine = await EvaluationResultModel.find({ periodId: period._id, unitPath: root }).select('reportingUnitId selfSubmitted evaluated finalised').lean();
      const groups = new Map<string, typeof mine>();
      for (const r of mine) groups.set(String(r.reportingUnitId), [...(groups.get(String(r.reportingUnitId)) ?? []), r]);
      for (const [id, group] of groups) byUnit.set(id, countRecords(group.map((r) => ({ ...r, criteria: '', scores: '' }))).counts);
    }
  }
  const past = isPastDeadline(period, now);
  const list = [...byUnit.entries()]
    .filter(([, c]) => c.total > 0)
    .map(([id, c]) => ({ unitId: id, unitName: units.byId(id)?.name ?? '', total: c.total, selfSubmitted: c.selfSubmitted, finalised: c.finalised, late: past && c.finalised < c.total }))
    .sort((a, b) => a.finalised / a.total - b.finalised / b.total || a.unitName.localeCompare(b.unitName, 'vi'));
  return { period, units: list };
}
