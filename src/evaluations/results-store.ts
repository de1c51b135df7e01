import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { recordsChanged } from '../shared/changes.js';
import { EvaluationModel, type Evaluation } from './model.js';

/**
 * A compact copy of each evaluation's outcome, kept for yearly exports. FerretDB v1 decodes a whole evaluation
 * (three arrays of 13 sub-documents) for every document a query touches, about 800 a second on a 2-core machine;
 * this record has only scalars and reads about ten times faster. Written after the evaluation itself, with the
 * evaluation's `_id` and `version`, so a repeated or late write is harmless and a stale copy is recognisable.
 */

const evaluationResultSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
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
    finalised: { type: Number, default: 0 },
    /** Criterion codes joined by spaces, and one digit per criterion in the same order: the head's score (0–2). */
    criteria: { type: String, default: '' },
    scores: { type: String, default: '' },
    /** The evaluation's version this copy was made from. */
    version: { type: Number, default: 0 },
  },
  { versionKey: false },
);
evaluationResultSchema.index({ unitPath: 1, year: 1 });
// The statistics read model reads one reporting unit's year.
evaluationResultSchema.index({ reportingUnitId: 1, year: 1 });

export type EvaluationResult = InferSchemaType<typeof evaluationResultSchema> & { _id: Types.ObjectId };
export const EvaluationResultModel = mongoose.model('EvaluationResult', evaluationResultSchema, 'evaluationresults');

/** The fields of an evaluation a result record is made from. */
export const RESULT_SOURCE_FIELDS = 'staffId staffName sortKey position unitId unitName unitPath reportingUnitId year periodKey finalised results.criterionCode results.score version';
type Source = Pick<Evaluation, '_id' | 'staffId' | 'staffName' | 'sortKey' | 'unitId' | 'unitPath' | 'reportingUnitId' | 'year' | 'periodKey'> & {
  position?: string | null;
  unitName?: string | null;
  finalised?: number | null;
  version?: number | null;
  results?: readonly { criterionCode: string; score: number }[] | null;
};

export function resultRecordOf(e: Source): EvaluationResult {
  const results = e.results ?? [];
  return {
    _id: e._id,
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
    finalised: e.finalised ?? 0,
    criteria: results.map((r) => r.criterionCode).join(' '),
    scores: results.map((r) => String(Math.max(0, Math.min(9, Math.round(r.score))))).join(''),
    version: e.version ?? 0,
  };
}

/** Decodes a record's criteria and scores, in order. */
export function scoresOf(r: Pick<EvaluationResult, 'criteria' | 'scores'>): { criterionCode: string; score: number }[] {
  if (!r.criteria) return [];
  return r.criteria.split(' ').map((code, i) => ({ criterionCode: code, score: r.scores.charCodeAt(i) - 48 }));
}

/**
 * Writes (or rewrites) the records of these evaluations; idempotent. Many at once are replaced by a delete and an
 * insert per slice: FerretDB v1 was seen never to answer a bulkWrite of a few hundred replaceOne upserts, ordered or not.
 */
export async function saveResultRecords(evaluations: readonly Source[]): Promise<void> {
  for (let i = 0; i < evaluations.length; i += 1000) {
    const records = evaluations.slice(i, i + 1000).map(resultRecordOf);
    await EvaluationResultModel.deleteMany({ _id: { $in: records.map((r) => r._id) } });
    try {
      await EvaluationResultModel.insertMany(records, { ordered: false });
    } catch (err) {
      // A concurrent save wrote some of them first; repairResultRecords brings any stale one up to date.
      const writeErrors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors ?? [err as { code?: number }];
      if (!writeErrors.every((e) => (e.code ?? (e as { err?: { code?: number } }).err?.code) === 11000)) throw err;
    }
  }
  await announce(evaluations);
}

/** Tells read models (statistics) which units and years these evaluations count in. */
async function announce(evaluations: readonly Pick<Source, 'unitPath' | 'year'>[]): Promise<void> {
  const seen = new Map<string, Pick<Source, 'unitPath' | 'year'>>();
  for (const e of evaluations) seen.set(`${e.unitPath.map(String).join('/')}:${e.year}`, e);
  for (const e of seen.values()) await recordsChanged(e.unitPath, e.year);
}

export async function saveResultRecord(evaluation: Source): Promise<void> {
  const record = resultRecordOf(evaluation);
  await EvaluationResultModel.replaceOne({ _id: record._id }, record, { upsert: true });
  await announce([evaluation]);
}

/**
 * Rewrites the records that are missing or older than their evaluation, for the evaluations given (read with
 * RESULT_SOURCE_FIELDS). The record lookup is by `_id`, which FerretDB answers from its index.
 */
export async function repairResultRecords(evaluations: readonly Source[]): Promise<number> {
  if (evaluations.length === 0) return 0;
  const have = new Map<string, number>();
  for (let i = 0; i < evaluations.length; i += 1000) {
    const ids = evaluations.slice(i, i + 1000).map((e) => e._id);
    for (const r of await EvaluationResultModel.find({ _id: { $in: ids } }).select('version').lean()) have.set(String(r._id), r.version);
  }
  const stale = evaluations.filter((e) => have.get(String(e._id)) !== (e.version ?? 0));
  await saveResultRecords(stale);
  return stale.length;
}

/** Repairs the records of every evaluation matching the filter (one full read of those evaluations). */
export async function repairResultRecordsWhere(filter: Record<string, unknown>): Promise<number> {
  const evaluations = await EvaluationModel.find(filter).select(RESULT_SOURCE_FIELDS).lean<Source[]>();
  return repairResultRecords(evaluations);
}
