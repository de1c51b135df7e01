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
    /** The figures' format (FIGURES_SHAPE): figures of an older shape are recomputed like stale ones. */
    shape: { type: Number, default: 0 },
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
  shape?: number;
  computedAt: Date;
  figures: UnitYearFigures;
}

/** Bumped when UnitYearFigures gains or changes a figure: stored figures of another shape are recomputed. */
export const FIGURES_SHAPE = 8;

/**
 * A reporting unit's own figures for one year: what the dashboard and the yearly workbooks' summaries show, one
 * definition each (sources.ts computes them). Counts only, so sums over units stay exact.
 *
 * A record belongs to the reporting unit it lies in (its commune; a unit under no commune reports alone): staff,
 * reports, ratings and late dossiers by the unit they sit on, evaluations and classifications by the reporting unit
 * recorded on them when they were made. People-figures are counted per reporting unit: someone evaluated by two
 * communes in one year (a move) counts in each, as the province row of a workbook is the sum of its commune rows.
 */
export interface UnitYearFigures {
  /**
   * People of the unit in the year: staff active in the unit now, and people no longer active whom the unit had on
   * an evaluation roster in the year. Why (the dashboard used to count the active only): a yearly report's head count
   * covers everyone who served in the year — the staff sheet lists them, its evaluated and under-40 shares are over
   * them — and a past year's figure does not drop when someone retires later. Someone who moved to another unit and
   * is still active counts there.
   */
  staff: number;
  /** Staff active in the unit now (the home page's head count); `staff` adds the year's leavers to them. */
  activeStaff: number;
  /** Of `staff`, born less than 40 years before the year (age reached in the year under 40); unknown birth years not. */
  under40: number;
  /**
   * The same people (`staff`) per staff category (canBo, congChuc, vienChuc, nguoiLaoDong), each with its under-40
   * count and its counts per professional education level and per political-theory level, as the staff records
   * hold them now (levels are not kept as history). Lets a report count CBCC (cán bộ + công chức) apart and give
   * qualification shares. Missing in figures of shape < 5.
   */
  staffByCategory?: Record<string, StaffGroupFigures>;
  /** Evaluations per period key: all, and finalised. */
  periods: Record<string, { total: number; finalised: number }>;
  /**
   * Finalised criterion results per criterion code: "Thực hiện tốt" (good, score 2), "Thực hiện" (done, 1),
   * "Chưa thực hiện" (breached, 0); ok = good + done (fulfilled), all = every result.
   */
  results: Record<string, { good: number; done: number; breached: number; ok: number; all: number }>;
  /** People with at least one finalised evaluation by the unit in the year. */
  evaluatedStaff: number;
  /**
   * Evaluated people with no criterion rated "Chưa thực hiện" in the unit's finalised evaluations of the year and no
   * substantiated report (fully or partly, whatever its criteria) about them in the year. Why "any substantiated
   * report" rather than "a confirmed criterion of the code in force" (the exports' old rule): the finding is what makes
   * a breach; which version of the code listed the criterion does not.
   */
  fullyCompliant: number;
  /** Reports received in the year per month received (1–12, Việt Nam time) and status, and per alleged criterion. */
  reports: Record<string, Record<string, number>>;
  reportsByCriterion: Record<string, number>;
  /** Of the reports received in the year, per month received: those found substantiated (fully or partly), and those with each recorded remedy kind. Shape ≥ 5; by month received from shape 7. */
  substantiatedByMonth?: Record<string, number>;
  remediesByMonth?: Record<string, Record<string, number>>;
  /** Substantiated reports per confirmed criterion (a report confirmed on two criteria counts once for each). */
  substantiatedByCriterion: Record<string, number>;
  /**
   * Reporters' answers to "Bạn có hài lòng với kết quả xử lý?" on the unit's reports of the year (by the year
   * received, as `reports`): one per settlement, so a case reopened ("chưa được giải quyết") and settled again counts its
   * reopening and then its rating.
   */
  handlingFeedback: HandlingFeedback;
  /** Ratings per month (1–12): all and satisfied. */
  ratings: Record<string, { total: number; satisfied: number }>;
  /**
   * The same per rated desk (or unit) and month: the satisfaction report's rows, with what the citizens told the desk
   * beyond the rating (shape ≥ 7): the answers per level, the criteria ticked as not right, ratings per officer named
   * by the desk's QR code, and how many left a comment (the comments themselves stay on the ratings).
   */
  ratingsByDesk: Record<string, Record<string, DeskMonthRatings>>;
  /** Yearly classifications decided by the unit, per level; and counted staff without one. */
  classification: Record<string, number>;
  unclassified: number;
  /** Late one-stop dossiers (by due date) and those among them with no apology slip ("Xin lỗi" breaches). */
  lateDossiers: number;
  apologyBreaches: number;
}

export interface StaffGroupFigures {
  total: number;
  under40: number;
  /** Per educationLevel (none, secondary, vocational, college, university, master, doctorate). */
  education: Record<string, number>;
  /** Per politicalTheoryLevel (none, elementary, intermediate, advanced). */
  politicalTheory: Record<string, number>;
  /** Per generalEducation (unknown, primary, lowerSecondary, upperSecondary). Shape ≥ 6. */
  generalEducation?: Record<string, number>;
}

export interface DeskMonthRatings {
  total: number;
  satisfied: number;
  /** Per answer (RATING_LEVELS). Shape ≥ 7, as the rest. */
  levels?: Record<string, number>;
  /** Per criterion code ticked as "went wrong". */
  ticks?: Record<string, number>;
  /** Per officer id: their ratings, satisfied among them, and criteria ticked. */
  officers?: Record<string, { ratings: number; satisfied: number; ticks: number }>;
  comments?: number;
}

export interface HandlingFeedback {
  satisfied: number;
  neutral: number;
  dissatisfied: number;
  reopened: number;
}

export const FiguresModel = mongoose.model('StatisticsFigures', figuresSchema, 'statisticsfigures');
export const TokenModel = mongoose.model('StatisticsToken', tokenSchema, 'statisticstokens');
