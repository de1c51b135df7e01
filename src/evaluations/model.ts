import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';

export const PERIOD_KINDS = ['monthly', 'quarterly', 'yearly'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const PERIOD_STATUSES = ['DRAFT', 'OPEN', 'CLOSED'] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

export const EVALUATION_STATUSES = ['NOT_STARTED', 'SELF_ASSESSED', 'EVALUATED', 'FINALISED'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** The three-step scale of the code, with the score each step stores. */
export const LEVELS = ['GOOD', 'DONE', 'NOT_DONE'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_SCORE: Record<Level, number> = { GOOD: 2, DONE: 1, NOT_DONE: 0 };
export const MAX_LEVEL_SCORE = LEVEL_SCORE.GOOD;

/**
 * How far a period's compact copies (result records and tallies, results-store.ts) can be trusted: periods written
 * before the copies had their current shape have none (0); records written in the current shape but tallies never
 * counted is 1 (data written straight into the collections); 2 is ready. Pages bring a period to 2 before reading.
 */
export const COPIES_RECORDS = 1;
export const COPIES_READY = 2;

export const CLASSIFICATION_LEVELS = ['OUTSTANDING', 'GOOD', 'COMPLETED', 'NOT_COMPLETED'] as const;
export type ClassificationLevel = (typeof CLASSIFICATION_LEVELS)[number];

const reopeningSchema = new Schema(
  {
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    byName: { type: String, default: '' },
    at: { type: Date, required: true },
    reason: { type: String, required: true },
  },
  { _id: false },
);

const periodSchema = new Schema(
  {
    provinceId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** The unit that opened the period: it covers this unit's subtree. */
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    unitName: { type: String, required: true },
    kind: { type: String, enum: PERIOD_KINDS, required: true },
    /** '2026-03', '2026-Q1' or '2026'. */
    periodKey: { type: String, required: true },
    year: { type: Number, required: true },
    startDate: { type: Date, required: true },
    endDate: { type: Date, required: true },
    deadline: { type: Date, required: true },
    status: { type: String, enum: PERIOD_STATUSES, default: 'DRAFT' },
    codeVersionId: { type: Schema.Types.ObjectId, ref: 'CodeVersion', required: true },
    codeVersionNumber: { type: Number, required: true },
    openedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    evaluationCount: { type: Number, default: 0 },
    reopenings: { type: [reopeningSchema], default: [] },
    copies: { type: Number, default: COPIES_RECORDS },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    version: { type: Number, default: 0 },
  },
  { timestamps: true },
);
periodSchema.index({ unitId: 1, periodKey: 1 }, { unique: true });
periodSchema.index({ unitPath: 1, startDate: -1 });
periodSchema.index({ status: 1, deadline: 1 });
// The periods list reads one year at a time (and the open periods of any year) with equalities only.
periodSchema.index({ unitPath: 1, year: 1 });
periodSchema.index({ unitId: 1, year: 1 });
// "Has any unit opened a period with this key?" (readers.ts evaluationFor, asked for each report about a person).
periodSchema.index({ periodKey: 1 });

export type Period = InferSchemaType<typeof periodSchema> & { _id: Types.ObjectId };
/** Pages read periods from a copy kept in memory (periods.ts `keptPeriod`); every write through the model renews it. */
export const periodWrites = watchWrites(periodSchema, 'evaluationPeriods');
export const PeriodModel = mongoose.model('EvaluationPeriod', periodSchema);

const selfRatingSchema = new Schema(
  {
    criterionCode: { type: String, required: true },
    level: { type: String, enum: LEVELS, required: true },
    score: { type: Number, required: true },
    comment: { type: String, default: '' },
  },
  { _id: false },
);

const headRatingSchema = new Schema(
  {
    criterionCode: { type: String, required: true },
    level: { type: String, enum: LEVELS, required: true },
    score: { type: Number, required: true },
    reason: { type: String, default: '' },
    /** Set by "rate remaining as Thực hiện tốt", so a bulk rating stays distinguishable from a deliberate one. */
    bulk: { type: Boolean, default: false },
  },
  { _id: false },
);

/** One row per criterion of the effective head rating: numbers the summaries add up with $sum. */
const resultSchema = new Schema(
  {
    criterionCode: { type: String, required: true },
    score: { type: Number, required: true },
    good: { type: Number, required: true },
    done: { type: Number, required: true },
    breached: { type: Number, required: true },
  },
  { _id: false },
);

const amendmentSchema = new Schema(
  {
    reason: { type: String, required: true },
    authorId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    authorName: { type: String, default: '' },
    at: { type: Date, required: true },
    before: { type: [headRatingSchema], default: [] },
    after: { type: [headRatingSchema], default: [] },
  },
  { _id: false },
);

const selfAssessmentSchema = new Schema(
  {
    ratings: { type: [selfRatingSchema], default: [] },
    overallComment: { type: String, default: '' },
    savedAt: { type: Date, default: null },
    submittedAt: { type: Date, default: null },
  },
  { _id: false },
);

const headEvaluationSchema = new Schema(
  {
    ratings: { type: [headRatingSchema], default: [] },
    overallComment: { type: String, default: '' },
    evaluatorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    evaluatorName: { type: String, default: '' },
    linkedReportIds: { type: [Schema.Types.ObjectId], default: [] },
    evaluatedAt: { type: Date, default: null },
    finalisedAt: { type: Date, default: null },
  },
  { _id: false },
);

const evaluationSchema = new Schema(
  {
    periodId: { type: Schema.Types.ObjectId, ref: 'EvaluationPeriod', required: true },
    periodKey: { type: String, required: true },
    periodKind: { type: String, enum: PERIOD_KINDS, required: true },
    periodStart: { type: Date, required: true },
    year: { type: Number, required: true },
    codeVersionId: { type: Schema.Types.ObjectId, ref: 'CodeVersion', required: true },
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
    staffName: { type: String, required: true },
    sortKey: { type: String, required: true },
    position: { type: String, default: '' },
    /** The unit the evaluation was made in, kept even if the person moves or the unit is merged. */
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    unitName: { type: String, default: '' },
    /** The commune-level unit (or the unit itself above that level): completion and quotas roll up here. */
    reportingUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    status: { type: String, enum: EVALUATION_STATUSES, default: 'NOT_STARTED' },
    selfAssessment: { type: selfAssessmentSchema, required: true, default: () => ({}) },
    headEvaluation: { type: headEvaluationSchema, required: true, default: () => ({}) },
    amendments: { type: [amendmentSchema], default: [] },
    results: { type: [resultSchema], default: [] },
    totalScore: { type: Number, default: 0 },
    maxScore: { type: Number, default: 0 },
    breachedCount: { type: Number, default: 0 },
    /** 0/1 flags for completion counts. */
    selfSubmitted: { type: Number, default: 0 },
    evaluated: { type: Number, default: 0 },
    finalised: { type: Number, default: 0 },
    /** Criteria where the person's and the head's ratings are two steps apart. */
    disagreementCodes: { type: [String], default: [] },
    version: { type: Number, default: 0 },
    /** 1 from a save until its compact copies (result record, tally) are written: what a repair looks for. */
    copyPending: { type: Number, default: 0 },
  },
  { timestamps: true },
);
evaluationSchema.index({ staffId: 1, periodKey: 1 }, { unique: true });
evaluationSchema.index({ periodId: 1, sortKey: 1 });
evaluationSchema.index({ periodId: 1, unitPath: 1 });
evaluationSchema.index({ staffId: 1, year: 1 });
evaluationSchema.index({ reportingUnitId: 1, year: 1 });
evaluationSchema.index({ copyPending: 1 });

export type Evaluation = InferSchemaType<typeof evaluationSchema> & { _id: Types.ObjectId };
export interface HeadRating {
  criterionCode: string;
  level: Level;
  score: number;
  reason: string;
  bulk: boolean;
}
export interface SelfRating {
  criterionCode: string;
  level: Level;
  score: number;
  comment: string;
}
export const EvaluationModel = mongoose.model('Evaluation', evaluationSchema);

const classificationSchema = new Schema(
  {
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
    staffName: { type: String, required: true },
    sortKey: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    reportingUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    year: { type: Number, required: true },
    ruleSetId: { type: String, required: true },
    /**
     * Disciplined in the year. Since discipline decisions are recorded, derived at each decision from the decisions that
     * count (`disciplineDecisionIds`); records decided before then carry the head's tick and no ids.
     */
    disciplined: { type: Boolean, default: false },
    disciplineDecisionIds: { type: [Schema.Types.ObjectId], default: [] },
    /** Points scheme only (from 2026): the general part (conduct feeds it) and the task part. */
    generalPoints: { type: Number, default: null },
    taskPoints: { type: Number, default: null },
    suggestedLevel: { type: String, enum: CLASSIFICATION_LEVELS, default: null },
    suggestionBecause: { type: [String], default: [] },
    level: { type: String, enum: CLASSIFICATION_LEVELS, required: true },
    /** Why the head's decision differs from the suggestion (required then). */
    differenceReason: { type: String, default: '' },
    decidedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    decidedByName: { type: String, default: '' },
    decidedAt: { type: Date, required: true },
    visibleToStaff: { type: Boolean, default: true },
    /**
     * Set when a discipline decision recorded (or changed) after the decision caps the year below the stored level:
     * the level stays what the head decided until they decide again, and lists say it needs deciding again.
     */
    reviewNeeded: { type: new Schema({ cap: String, decisionNumbers: [String], at: Date }, { _id: false }), default: null },
    version: { type: Number, default: 0 },
  },
  { timestamps: true },
);
classificationSchema.index({ staffId: 1, year: 1 }, { unique: true });
classificationSchema.index({ reportingUnitId: 1, year: 1, level: 1 });
classificationSchema.index({ unitPath: 1, year: 1 });

export type Classification = InferSchemaType<typeof classificationSchema> & { _id: Types.ObjectId };
/** Every write through the model renews the revision: a person's own classifications are kept in memory until then. */
export const classificationWrites = watchWrites(classificationSchema, 'classifications');
export const ClassificationModel = mongoose.model('Classification', classificationSchema);
