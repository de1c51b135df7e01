import mongoose, { Schema, Types } from 'mongoose';
import { upserting } from '../db/errors.js';
import type { EvaluationStatus } from './model.js';
import { EvaluationResultModel, outcomeOf, scoresOf, type EvaluationResult } from './record-model.js';

/**
 * Period tallies (`evaluationtallies`): per period and reporting unit (the commune, or a unit with no commune above
 * it), the counts by status and the per-criterion results of its finalised evaluations — what a roster of many
 * communes and the completion page show, without reading the evaluations.
 *
 * A tally is a recount of its reporting unit's result records (a few dozen compact documents), never an increment,
 * so it is idempotent and a crash cannot leave it off by one. Freshness uses a token: whoever writes a record then
 * sets a new `token` on the tally (`touchTallies`); a recount reads the token first and stores its figures with
 * `computedToken` only if the token is still the same, so a write that lands during a recount leaves the tally stale
 * and the next reader recounts (`freshTallies`). Writers recount at once (`saveResultRecord`), so readers normally
 * find them fresh; a period's tallies are rebuilt from its records when they were never built (`PeriodModel.copies`).
 */

export interface CriterionTally {
  criterionCode: string;
  good: number;
  done: number;
  breached: number;
}

export interface StatusCounts {
  total: number;
  NOT_STARTED: number;
  SELF_ASSESSED: number;
  EVALUATED: number;
  FINALISED: number;
  selfSubmitted: number;
  finalised: number;
  /** Neither self-assessed nor finalised: overdue once the deadline has passed. */
  selfPending: number;
}

const countsSchema = new Schema(
  {
    total: { type: Number, default: 0 },
    NOT_STARTED: { type: Number, default: 0 },
    SELF_ASSESSED: { type: Number, default: 0 },
    EVALUATED: { type: Number, default: 0 },
    FINALISED: { type: Number, default: 0 },
    selfSubmitted: { type: Number, default: 0 },
    finalised: { type: Number, default: 0 },
    selfPending: { type: Number, default: 0 },
  },
  { _id: false },
);

const tallySchema = new Schema(
  {
    /** `<periodId>:<reportingUnitId>` */
    _id: { type: String, required: true },
    periodId: { type: Schema.Types.ObjectId, ref: 'EvaluationPeriod', required: true },
    /** The reporting unit and its path (as stored on the evaluations): rosters find the tallies under a unit. */
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    token: { type: String, default: '' },
    computedToken: { type: String, default: null },
    computedAt: { type: Date, default: null },
    counts: { type: countsSchema, default: () => ({}) },
    tallies: {
      type: [new Schema({ criterionCode: String, good: Number, done: Number, breached: Number }, { _id: false })],
      default: [],
    },
  },
  { versionKey: false },
);
tallySchema.index({ periodId: 1, unitPath: 1 });

export interface PeriodTally {
  _id: string;
  periodId: Types.ObjectId;
  unitId: Types.ObjectId;
  unitPath: Types.ObjectId[];
  token: string;
  computedToken: string | null;
  computedAt: Date | null;
  counts: StatusCounts;
  tallies: CriterionTally[];
}

export const PeriodTallyModel = mongoose.model('EvaluationTally', tallySchema, 'evaluationtallies');

export const tallyKey = (periodId: Types.ObjectId | string, reportingUnitId: Types.ObjectId | string) => `${String(periodId)}:${String(reportingUnitId)}`;

export const emptyCounts = (): StatusCounts => ({ total: 0, NOT_STARTED: 0, SELF_ASSESSED: 0, EVALUATED: 0, FINALISED: 0, selfSubmitted: 0, finalised: 0, selfPending: 0 });

/** Fields of a record a tally (or a roster row) needs. */
export const TALLY_RECORD_FIELDS = 'staffId selfSubmitted evaluated finalised criteria scores';
export type TallySource = Pick<EvaluationResult, 'selfSubmitted' | 'evaluated' | 'finalised' | 'criteria' | 'scores'>;

/** Counts by status and per-criterion results of finalised evaluations, from their records. */
export function countRecords(records: readonly TallySource[]): { counts: StatusCounts; tallies: CriterionTally[] } {
  const counts = emptyCounts();
  const tallies = new Map<string, CriterionTally>();
  for (const r of records) {
    const status: EvaluationStatus = outcomeOf(r).status;
    counts.total++;
    counts[status]++;
    counts.selfSubmitted += r.selfSubmitted ? 1 : 0;
    counts.finalised += r.finalised ? 1 : 0;
    counts.selfPending += !r.selfSubmitted && !r.finalised ? 1 : 0;
    if (!r.finalised) continue;
    for (const s of scoresOf(r)) {
      let t = tallies.get(s.criterionCode);
      if (!t) tallies.set(s.criterionCode, (t = { criterionCode: s.criterionCode, good: 0, done: 0, breached: 0 }));
      if (s.score >= 2) t.good++;
      else if (s.score === 1) t.done++;
      else t.breached++;
    }
  }
  return { counts, tallies: [...tallies.values()] };
}

/**
 * Figures after one record changed: what the old record counted is taken off, what the new one counts is added
 * (criteria left at zero are dropped, as a recount would not list them).
 */
export function withChange(
  figures: { counts: StatusCounts; tallies: readonly CriterionTally[] },
  before: TallySource | null,
  after: TallySource,
): { counts: StatusCounts; tallies: CriterionTally[] } {
  const minus = before ? countRecords([before]) : { counts: emptyCounts(), tallies: [] };
  const plus = countRecords([after]);
  const counts = { ...emptyCounts() };
  for (const k of Object.keys(counts) as (keyof StatusCounts)[]) counts[k] = (figures.counts[k] ?? 0) - minus.counts[k] + plus.counts[k];
  const byCode = new Map(figures.tallies.map((t) => [t.criterionCode, { criterionCode: t.criterionCode, good: t.good, done: t.done, breached: t.breached }]));
  for (const [list, sign] of [[minus.tallies, -1], [plus.tallies, 1]] as const) {
    for (const t of list) {
      const sum = byCode.get(t.criterionCode) ?? { criterionCode: t.criterionCode, good: 0, done: 0, breached: 0 };
      sum.good += sign * t.good;
      sum.done += sign * t.done;
      sum.breached += sign * t.breached;
      byCode.set(t.criterionCode, sum);
    }
  }
  return { counts, tallies: [...byCode.values()].filter((t) => t.good || t.done || t.breached) };
}

/** Sums tallies of disjoint sets of evaluations. */
export function addUp(list: readonly { counts: StatusCounts; tallies: readonly CriterionTally[] }[]): { counts: StatusCounts; tallies: CriterionTally[] } {
  const counts = emptyCounts();
  const byCode = new Map<string, CriterionTally>();
  for (const item of list) {
    for (const k of Object.keys(counts) as (keyof StatusCounts)[]) counts[k] += item.counts[k] ?? 0;
    for (const t of item.tallies) {
      const sum = byCode.get(t.criterionCode) ?? { criterionCode: t.criterionCode, good: 0, done: 0, breached: 0 };
      sum.good += t.good;
      sum.done += t.done;
      sum.breached += t.breached;
      byCode.set(t.criterionCode, sum);
    }
  }
  return { counts, tallies: [...byCode.values()] };
}

interface Touch {
  periodId?: Types.ObjectId | null;
  reportingUnitId: Types.ObjectId;
  unitPath: readonly Types.ObjectId[];
}

/** The reporting unit's own path, cut from an evaluation's unit path (which runs through it). */
function reportingPathOf(t: Touch): Types.ObjectId[] {
  const at = t.unitPath.findIndex((id) => id.equals(t.reportingUnitId));
  return at >= 0 ? t.unitPath.slice(0, at + 1) : [...t.unitPath, t.reportingUnitId];
}

/**
 * Marks the tallies of these records' reporting units stale (after the records were written). Returns the keys
 * touched, with the tokens set, for an immediate recount.
 */
export async function touchTallies(records: readonly Touch[]): Promise<Map<string, string>> {
  const seen = new Map<string, Touch>();
  for (const r of records) if (r.periodId) seen.set(tallyKey(r.periodId, r.reportingUnitId), r);
  const tokens = new Map<string, string>();
  for (const [key, r] of seen) {
    const token = new Types.ObjectId().toHexString();
    const set = { $set: { token, periodId: r.periodId, unitId: r.reportingUnitId, unitPath: reportingPathOf(r) } };
    await upserting((upsert) => PeriodTallyModel.updateOne({ _id: key }, set, { upsert }));
    tokens.set(key, token);
  }
  return tokens;
}

/**
 * Recounts one tally from its records and stores the figures if nobody touched it meanwhile. `token` is the one
 * read (or set) before the records are read. Returns the recount either way.
 */
export async function recountTally(key: string, token: string): Promise<Pick<PeriodTally, 'counts' | 'tallies'>> {
  const [periodId, unitId] = key.split(':') as [string, string];
  const records = await EvaluationResultModel.find({ periodId: new Types.ObjectId(periodId), reportingUnitId: new Types.ObjectId(unitId) })
    .select(TALLY_RECORD_FIELDS)
    .lean<TallySource[]>();
  const figures = countRecords(records);
  await PeriodTallyModel.updateOne({ _id: key, token }, { $set: { ...figures, computedToken: token, computedAt: new Date() } });
  return figures;
}

/** The tallies under a unit (the reporting units at or below it) for a period, each fresh. */
export async function talliesUnder(periodId: Types.ObjectId, unitId: Types.ObjectId): Promise<PeriodTally[]> {
  const docs = await PeriodTallyModel.find({ periodId, unitPath: unitId }).lean<PeriodTally[]>();
  return Promise.all(docs.map(fresh));
}

async function fresh(doc: PeriodTally): Promise<PeriodTally> {
  if (doc.computedToken === doc.token) return doc;
  return { ...doc, ...(await recountTally(doc._id, doc.token)) };
}

/**
 * Rebuilds every tally of a period from its records (one read of the period's compact records): used when a period's
 * tallies were never built (data written before they existed, or straight into the collections).
 */
export async function rebuildPeriodTallies(periodId: Types.ObjectId): Promise<number> {
  // Which reporting units the period has: one read of its records' keys. Each tally is then touched and recounted
  // (touch before reading, as writers do, so that a save landing meanwhile is never lost).
  const records = await EvaluationResultModel.find({ periodId }).select('periodId reportingUnitId unitPath').lean<Touch[]>();
  const firstOf = new Map<string, Touch>();
  for (const r of records) if (!firstOf.has(tallyKey(periodId, r.reportingUnitId))) firstOf.set(tallyKey(periodId, r.reportingUnitId), r);
  const tokens = await touchTallies([...firstOf.values()]);
  for (const [key, token] of tokens) await recountTally(key, token);
  // A tally whose reporting unit has no record left (a repaired record moved) is recounted too: to zero.
  const others = await PeriodTallyModel.find({ periodId }).select('token').lean<Pick<PeriodTally, '_id' | 'token'>[]>();
  for (const t of others) if (!tokens.has(t._id)) await recountTally(t._id, t.token);
  return tokens.size;
}
