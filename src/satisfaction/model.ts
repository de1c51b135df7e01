import { vietnamMonth } from '../shared/dates.js';
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';

/** The five answers of the national survey scale (SIPAS); the 3-level scale uses three of them. */
export const RATING_LEVELS = ['VERY_SATISFIED', 'SATISFIED', 'NEUTRAL', 'DISSATISFIED', 'VERY_DISSATISFIED'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];
export const SCALES = { 3: ['VERY_SATISFIED', 'SATISFIED', 'DISSATISFIED'], 5: [...RATING_LEVELS] } as const satisfies Record<number, readonly RatingLevel[]>;
export type ScaleSize = keyof typeof SCALES;
/** "Satisfied" means one of the top two answers on either scale: Rất hài lòng or Hài lòng. */
export const SATISFIED_LEVELS: readonly RatingLevel[] = ['VERY_SATISFIED', 'SATISFIED'];

/** Per-desk settings of the rating kiosk, kept apart from the unit tree. */
const deskSettingsSchema = new Schema(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    scale: { type: Number, enum: [3, 5], required: true, default: 3 },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);
deskSettingsSchema.index({ unitId: 1 }, { unique: true });

export type DeskSettings = InferSchemaType<typeof deskSettingsSchema> & { _id: Types.ObjectId };
/** Every kiosk rating reads its desk's scale: kept in memory until the settings are written. */
export const deskSettingsWrites = watchWrites(deskSettingsSchema, 'deskSettings');
export const DeskSettingsModel = mongoose.model('DeskSettings', deskSettingsSchema);

/**
 * One citizen's rating of a desk. Nothing identifies the citizen or their device: no IP, no cookie id.
 * The derived fields (year, month, periodKey, unitPath, satisfied) let $match + $group/$sum answer the rates.
 */
const ratingSchema = new Schema(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    officerId: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    level: { type: String, enum: RATING_LEVELS, required: true },
    scale: { type: Number, enum: [3, 5], required: true },
    satisfied: { type: Number, enum: [0, 1], required: true },
    /** Codes of the criteria the citizen said went wrong, from codeVersionId. */
    criteria: { type: [String], default: [] },
    codeVersionId: { type: Schema.Types.ObjectId, ref: 'CodeVersion', default: null },
    comment: { type: String, default: '', trim: true },
    ratedAt: { type: Date, required: true },
    year: { type: Number, required: true },
    month: { type: Number, required: true },
    periodKey: { type: String, required: true },
  },
  { timestamps: false },
);
ratingSchema.pre('validate', function () {
  if (this.level && this.ratedAt) Object.assign(this, derivedRatingFields(this.level as RatingLevel, this.ratedAt));
});
ratingSchema.index({ unitPath: 1, periodKey: 1 });
ratingSchema.index({ unitId: 1, periodKey: 1 });
ratingSchema.index({ officerId: 1, periodKey: 1 });
/**
 * The desks' latest comments are kept in memory until a rating is written; a new rating without a comment changes
 * none of them (the month's counts, which say where comments are, come from the statistics).
 */
export const ratingWrites = watchWrites(ratingSchema, 'satisfactionRatings', { savedMatters: (rating) => Boolean(rating.comment) });

/** The month a rating counts in: its moment's month in Việt Nam (a rating at 06:30 on the 1st belongs to that month). */
function ratingMonth(at: Date) {
  const { year, month, key } = vietnamMonth(at);
  return { year, month, periodKey: key };
}

export function derivedRatingFields(level: RatingLevel, ratedAt: Date) {
  return { satisfied: SATISFIED_LEVELS.includes(level) ? 1 : 0, ...ratingMonth(ratedAt) };
}

export type Rating = InferSchemaType<typeof ratingSchema> & { _id: Types.ObjectId };
export const RatingModel = mongoose.model('SatisfactionRating', ratingSchema);
