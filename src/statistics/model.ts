import mongoose, { Schema, type Types } from 'mongoose';

/**
 * The statistics read model: one document per reporting unit (a commune, or a unit under no commune) and year with
 * the figures dashboards show, so a page sums a few dozen small documents instead of reading a year of evaluations.
 *
 * Freshness is a token, kept apart from the figures so the two writers never overwrite each other's document
 * (FerretDB v1 rewrites whole documents): every service that writes an evaluation, report, rating, dossier or staff
 * record sets a new token for the unit and year it touched; the figures remember the token they were computed
 * under and are recomputed, for that unit and year only, when it differs or they are missing.
 */

const figuresSchema = new Schema(
  {
    _id: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    unitName: { type: String, default: '' },
    year: { type: Number, required: true },
    /** The freshness token these figures were computed under (null: computed before any write was recorded). */
    token: { type: String, default: null },
    computedAt: { type: Date, required: true },
    figures: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false },
);
figuresSchema.index({ unitPath: 1, year: 1 });

const tokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    year: { type: Number, required: true },
    token: { type: String, required: true },
  },
  { versionKey: false },
);
tokenSchema.index({ unitPath: 1, year: 1 });

export interface StoredFigures {
  _id: string;
  unitId: Types.ObjectId;
  unitPath: Types.ObjectId[];
  unitName: string;
  year: number;
  token: string | null;
  computedAt: Date;
  figures: UnitYearFigures;
}

/** A reporting unit's own figures for one year. Counts only: sums over units stay exact. */
export interface UnitYearFigures {
  staff: number;
  under40: number;
  /** Evaluations per period key: all, and finalised. */
  periods: Record<string, { total: number; finalised: number }>;
  /** Finalised criterion results per criterion code: fulfilled (score > 0) and all. */
  results: Record<string, { ok: number; all: number }>;
  evaluatedStaff: number;
  /** Evaluated staff with no breached criterion and no substantiated report in the year. */
  fullyCompliant: number;
  /** Reports per month (1–12) and status, and per alleged criterion. */
  reports: Record<string, Record<string, number>>;
  reportsByCriterion: Record<string, number>;
  /** Ratings per month (1–12): all and satisfied. */
  ratings: Record<string, { total: number; satisfied: number }>;
  classification: Record<string, number>;
  /** Late one-stop dossiers and those among them whose citizen was owed an apology slip ("Xin lỗi" breaches). */
  lateDossiers: number;
  apologyBreaches: number;
}

export const FiguresModel = mongoose.model('StatisticsFigures', figuresSchema, 'statisticsfigures');
export const TokenModel = mongoose.model('StatisticsToken', tokenSchema, 'statisticstokens');
