import type { Types } from 'mongoose';
import { EvaluationModel } from '../evaluations/model.js';

/** The period keys an incident day falls in, most specific first: '2026-03', '2026-Q1', '2026'. */
export function periodKeysOf(day: Date): string[] {
  const y = day.getUTCFullYear();
  const m = day.getUTCMonth() + 1;
  return [`${y}-${String(m).padStart(2, '0')}`, `${y}-Q${Math.ceil(m / 3)}`, String(y)];
}

/** The subject's evaluation of the period the incident fell in, if one has been opened. */
export async function evaluationFor(staffId: Types.ObjectId | null, day: Date): Promise<{ evaluationId: Types.ObjectId | null; evaluationPeriodKey: string }> {
  if (!staffId) return { evaluationId: null, evaluationPeriodKey: '' };
  const keys = periodKeysOf(day);
  // One equality look-up per period key (each finds at most one): `periodKey: {$in}` would read all of the person's evaluations on FerretDB.
  const found = await Promise.all(keys.map((periodKey) => EvaluationModel.findOne({ staffId, periodKey }).select('_id periodKey').lean()));
  const best = found.find((e) => e != null);
  return best ? { evaluationId: best._id, evaluationPeriodKey: best.periodKey } : { evaluationId: null, evaluationPeriodKey: '' };
}
