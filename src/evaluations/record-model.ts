import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import type { Evaluation, EvaluationStatus } from './model.js';
import { statusOf } from './derive.js';

/**
 * The result record (`evaluationresults`): a compact copy of one evaluation, only scalars and two short strings,
 * with the evaluation's `_id` and `version`. FerretDB v1 decodes a whole evaluation (three arrays of 13 sub-documents,
 * ~1 ms) for every document a query touches; a record decodes about ten times faster. The yearly exports and the
 * statistics read it, and so do the pages that list many evaluations (a head's roster, a person's own list, the
 * classification lists): they never read evaluations in bulk.
 */

/** The record format; records of an older shape (or none) are rewritten from their evaluation. */
export const RECORD_SHAPE = 2;

const evaluationResultSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    periodId: { type: Schema.Types.ObjectId, ref: 'EvaluationPeriod', default: null },
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
    staffName: { type: String, default: '' },
    sortKey: { type: String, default: '' },
    position: { type: String, default: '' },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitName: { type: String, default: '' },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    reportingUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    year: { type: Number, required: true },
    periodKey: { type: String, required: true },
    /** 0/1 flags of the evaluation; its status is derived from them (derive.ts statusOf). */
    selfSubmitted: { type: Number, default: 0 },
    evaluated: { type: Number, default: 0 },
    finalised: { type: Number, default: 0 },
    /** Criterion codes joined by spaces, and one digit per criterion in the same order: the head's score (0–2). */
    criteria: { type: String, default: '' },
    scores: { type: String, default: '' },
    /** Criteria where self and head are two steps apart, joined by spaces. */
    disagreement: { type: String, default: '' },
    /**
     * The evaluation's version this copy was written from; later saves that leave its content as it is (a draft saved
     * again) do not rewrite it, so it may be older than the evaluation's (results-store.ts isCurrentCopy).
     */
    version: { type: Number, default: 0 },
    shape: { type: Number, default: 0 },
  },
  { versionKey: false },
);
// Exports (a unit's year) and the statistics read model (a reporting unit's year).
evaluationResultSchema.index({ unitPath: 1, year: 1 });
evaluationResultSchema.index({ reportingUnitId: 1, year: 1 });
// Pages: a unit's people in a period, a reporting unit's tally, a person's year; repairs by period key.
evaluationResultSchema.index({ periodId: 1, unitPath: 1 });
evaluationResultSchema.index({ periodId: 1, reportingUnitId: 1 });
evaluationResultSchema.index({ staffId: 1, year: 1 });
evaluationResultSchema.index({ periodKey: 1 });

export type EvaluationResult = InferSchemaType<typeof evaluationResultSchema> & { _id: Types.ObjectId };
export const EvaluationResultModel = mongoose.model('EvaluationResult', evaluationResultSchema, 'evaluationresults');

/** The fields of an evaluation a result record is made from. */
export const RESULT_SOURCE_FIELDS =
  'periodId staffId staffName sortKey position unitId unitName unitPath reportingUnitId year periodKey selfSubmitted evaluated finalised disagreementCodes results.criterionCode results.score version';

export type Source = Pick<Evaluation, '_id' | 'staffId' | 'staffName' | 'sortKey' | 'unitId' | 'unitPath' | 'reportingUnitId' | 'year' | 'periodKey'> & {
  periodId?: Types.ObjectId | null;
  position?: string | null;
  unitName?: string | null;
  selfSubmitted?: number | null;
  evaluated?: number | null;
  finalised?: number | null;
  disagreementCodes?: readonly string[] | null;
  version?: number | null;
  results?: readonly { criterionCode: string; score: number }[] | null;
};

export function resultRecordOf(e: Source): EvaluationResult {
  const results = e.results ?? [];
  return {
    _id: e._id,
    periodId: e.periodId ?? null,
    staffId: e.staffId,
    staffName: e.staffName ?? '',
    sortKey: e.sortKey ?? '',
    position: e.position ?? '',
    unitId: e.unitId,
    unitName: e.unitName ?? '',
    unitPath: e.unitPath,
    reportingUnitId: e.reportingUnitId,
    year: e.year,
    periodKey: e.periodKey,
    selfSubmitted: e.selfSubmitted ?? 0,
    evaluated: e.evaluated ?? 0,
    finalised: e.finalised ?? 0,
    criteria: results.map((r) => r.criterionCode).join(' '),
    scores: results.map((r) => String(Math.max(0, Math.min(9, Math.round(r.score))))).join(''),
    disagreement: (e.disagreementCodes ?? []).join(' '),
    version: e.version ?? 0,
    shape: RECORD_SHAPE,
  };
}

/** Decodes a record's criteria and scores, in order. */
export function scoresOf(r: Pick<EvaluationResult, 'criteria' | 'scores'>): { criterionCode: string; score: number }[] {
  if (!r.criteria) return [];
  return r.criteria.split(' ').map((code, i) => ({ criterionCode: code, score: r.scores.charCodeAt(i) - 48 }));
}

type Outcome = Pick<EvaluationResult, 'criteria' | 'scores'> & Partial<Pick<EvaluationResult, 'selfSubmitted' | 'evaluated' | 'finalised' | 'disagreement'>>;

/** What a record says, in the evaluation's terms (the head's scores are 2/1/0 for good/done/not done). */
export function outcomeOf(r: Outcome): {
  status: EvaluationStatus;
  totalScore: number;
  maxScore: number;
  breachedCount: number;
  goodCodes: string[];
  disagreementCodes: string[];
} {
  const scores = scoresOf(r);
  return {
    status: statusOf({ selfSubmitted: r.selfSubmitted ?? 0, evaluated: r.evaluated ?? 0, finalised: r.finalised ?? 0 }),
    totalScore: scores.reduce((n, s) => n + s.score, 0),
    maxScore: scores.length * 2,
    breachedCount: scores.filter((s) => s.score === 0).length,
    goodCodes: scores.filter((s) => s.score === 2).map((s) => s.criterionCode),
    disagreementCodes: r.disagreement ? r.disagreement.split(' ') : [],
  };
}
