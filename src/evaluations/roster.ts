import type { Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import { scopeRoots } from '../auth/actor.js';
import { Forbidden } from '../shared/errors.js';
import { UnitModel } from '../units/model.js';
import { EvaluationModel, type EvaluationStatus, type Period } from './model.js';
import { canManagePeriod, canSeePeriod, endExclusive, findPeriodOr404, isPastDeadline } from './periods.js';
import { substantiatedIncidents } from './incidents.js';
import { groupSums } from './sums.js';

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

export interface CriterionTally {
  criterionCode: string;
  good: number;
  done: number;
  breached: number;
}

export interface Roster {
  period: Period;
  rows: RosterRow[];
  counts: Record<EvaluationStatus, number> & { total: number };
  tallies: CriterionTally[];
  canManage: boolean;
  pastDeadline: boolean;
}

/** The filter for the evaluations of a period the actor may see: those under their head/admin grants. */
function scopeFilter(actor: Actor, period: Period): Record<string, unknown> {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (roots.length === 0) throw new Forbidden();
  return { periodId: period._id, unitPath: { $in: roots } };
}

/** Per-criterion results of finalised evaluations, from their stored 0/1 result rows. */
export function tallyResults(evaluations: readonly { finalised: number; results: readonly { criterionCode: string; good: number; done: number; breached: number }[] }[]): CriterionTally[] {
  const tallies = new Map<string, CriterionTally>();
  for (const e of evaluations) {
    if (!e.finalised) continue;
    for (const r of e.results) {
      const t = tallies.get(r.criterionCode) ?? { criterionCode: r.criterionCode, good: 0, done: 0, breached: 0 };
      t.good += r.good;
      t.done += r.done;
      t.breached += r.breached;
      tallies.set(r.criterionCode, t);
    }
  }
  return [...tallies.values()];
}

export async function rosterFor(actor: Actor, periodId: string, now = new Date()): Promise<Roster> {
  const period = await findPeriodOr404(periodId);
  if (!(await canSeePeriod(actor, period))) throw new Forbidden();
  const match = scopeFilter(actor, period);
  const evaluations = await EvaluationModel.find(match)
    .select('staffId staffName position unitName status totalScore maxScore breachedCount disagreementCodes headEvaluation.ratings selfSubmitted finalised results')
    .sort({ sortKey: 1 })
    .lean();
  const incidents = await substantiatedIncidents(
    evaluations.map((e) => e.staffId as Types.ObjectId),
    period.startDate,
    endExclusive(period),
  );
  const incidentCodes = new Map<string, Set<string>>();
  for (const i of incidents) {
    const set = incidentCodes.get(String(i.staffId)) ?? new Set<string>();
    i.criterionCodes.forEach((c) => set.add(c));
    incidentCodes.set(String(i.staffId), set);
  }
  const past = isPastDeadline(period, now);
  const counts = { NOT_STARTED: 0, SELF_ASSESSED: 0, EVALUATED: 0, FINALISED: 0, total: evaluations.length };
  const rows = evaluations.map((e): RosterRow => {
    counts[e.status as EvaluationStatus]++;
    const codes = incidentCodes.get(String(e.staffId));
    return {
      id: String(e._id),
      staffId: String(e.staffId),
      staffName: e.staffName,
      position: e.position ?? '',
      unitName: e.unitName ?? '',
      status: e.status as EvaluationStatus,
      totalScore: e.totalScore,
      maxScore: e.maxScore,
      breachedCount: e.breachedCount,
      disagreementCodes: e.disagreementCodes,
      goodDespiteIncident: codes ? e.headEvaluation.ratings.filter((r) => r.level === 'GOOD' && codes.has(r.criterionCode)).map((r) => r.criterionCode) : [],
      selfOverdue: past && !e.selfSubmitted && !e.finalised,
      evaluationOverdue: past && !e.finalised,
    };
  });
  // The rows are loaded anyway: summing them here spares the database three more scans of the collection.
  return { period, rows, counts, tallies: tallyResults(evaluations), canManage: canManagePeriod(actor, period), pastDeadline: past };
}

export interface UnitCompletion {
  unitId: string;
  unitName: string;
  total: number;
  selfSubmitted: number;
  finalised: number;
  late: boolean;
}

/** Completion per commune-level unit for a period, least complete first: who is late. */
export async function completionByUnit(actor: Actor, periodId: string, now = new Date()): Promise<{ period: Period; units: UnitCompletion[] }> {
  const period = await findPeriodOr404(periodId);
  if (!(await canSeePeriod(actor, period))) throw new Forbidden();
  const groups = await groupSums<Types.ObjectId, 'total' | 'selfSubmitted' | 'finalised'>(EvaluationModel, [{ $match: scopeFilter(actor, period) }], '$reportingUnitId', {
    total: 1,
    selfSubmitted: '$selfSubmitted',
    finalised: '$finalised',
  });
  const names = new Map((await UnitModel.find({ _id: { $in: groups.map((g) => g._id) } }).select('name').lean()).map((u) => [String(u._id), u.name]));
  const past = isPastDeadline(period, now);
  const units = groups
    .map((g) => ({ unitId: String(g._id), unitName: names.get(String(g._id)) ?? '', total: g.total, selfSubmitted: g.selfSubmitted, finalised: g.finalised, late: past && g.finalised < g.total }))
    .sort((a, b) => a.finalised / a.total - b.finalised / b.total || a.unitName.localeCompare(b.unitName, 'vi'));
  return { period, units };
}
