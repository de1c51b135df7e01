import type { Types } from 'mongoose';
import { ClassificationModel, EvaluationModel, PeriodModel } from './model.js';
import { EvaluationResultModel } from './record-model.js';
import { periodKeyUsed } from './periods.js';

/** What the statistics and the yearly workbooks read of evaluations (cursors: a province's year is large). */
const BATCH = 500;

/** Keys of the year's periods that concern this subtree (its own, or one opened above it). */
export async function periodKeysOfYear(root: { _id: Types.ObjectId; path: readonly Types.ObjectId[] }, year: number): Promise<string[]> {
  const periods = await PeriodModel.find({ year, $or: [{ unitPath: root._id }, { unitId: { $in: root.path } }] }).select('periodKey').lean();
  return periods.map((p) => p.periodKey);
}

/** Every evaluation result of the year under a unit, as the workbooks list them. */
export function resultsOfYearUnder(rootId: Types.ObjectId, year: number) {
  return EvaluationResultModel.find({ year, unitPath: rootId })
    .select('staffId staffName sortKey position unitId unitName reportingUnitId periodKey finalised criteria scores')
    .lean()
    .cursor({ batchSize: BATCH });
}

export function classificationsOfYearUnder(rootId: Types.ObjectId, year: number) {
  return ClassificationModel.find({ year, unitPath: rootId }).select('staffId level').lean().cursor({ batchSize: BATCH });
}

/** The results a reporting unit (a commune) counts in its figures of the year. */
export function resultsCountedBy(reportingUnitId: Types.ObjectId, year: number) {
  return EvaluationResultModel.find({ reportingUnitId, year }).select('staffId periodKey finalised criteria scores').lean();
}

export function classificationsCountedBy(reportingUnitId: Types.ObjectId, year: number) {
  return ClassificationModel.find({ reportingUnitId, year }).select('staffId level').lean();
}

/** The period keys an incident day falls in, most specific first: '2026-03', '2026-Q1', '2026'. */
export function periodKeysOf(day: Date): string[] {
  const y = day.getUTCFullYear();
  const m = day.getUTCMonth() + 1;
  return [`${y}-${String(m).padStart(2, '0')}`, `${y}-Q${Math.ceil(m / 3)}`, String(y)];
}

/** A person's evaluation of the period a day (an incident's) fell in, if one has been opened. */
export async function evaluationFor(staffId: Types.ObjectId | null, day: Date): Promise<{ evaluationId: Types.ObjectId | null; evaluationPeriodKey: string }> {
  if (!staffId) return { evaluationId: null, evaluationPeriodKey: '' };
  // Only the keys some unit has opened a period for (answered from memory; usually just the month's).
  const keys = (await Promise.all(periodKeysOf(day).map(async (k) => ((await periodKeyUsed(k)) ? k : null)))).filter((k): k is string => k !== null);
  // One equality look-up per period key (each finds at most one): `periodKey: {$in}` would read all of the person's evaluations on FerretDB.
  const found = await Promise.all(keys.map((periodKey) => EvaluationModel.findOne({ staffId, periodKey }).select('_id periodKey').lean()));
  const best = found.find((e) => e != null);
  return best ? { evaluationId: best._id, evaluationPeriodKey: best.periodKey } : { evaluationId: null, evaluationPeriodKey: '' };
}
