import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';

export const STAFF_CATEGORIES = ['canBo', 'congChuc', 'vienChuc', 'nguoiLaoDong'] as const;
export const GENDERS = ['male', 'female', 'other'] as const;
export const EDUCATION_LEVELS = ['none', 'secondary', 'vocational', 'college', 'university', 'master', 'doctorate'] as const;
export const POLITICAL_THEORY_LEVELS = ['none', 'elementary', 'intermediate', 'advanced'] as const;
/** General (school) education: the last level completed; 'unknown' for records made before it was asked. Standard: upperSecondary (12/12). */
export const GENERAL_EDUCATION_LEVELS = ['unknown', 'primary', 'lowerSecondary', 'upperSecondary'] as const;

/** A unit the person worked in before, until (not including) a day: what a past year's headcount is counted from. */
const unitStaySchema = new Schema(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    until: { type: Date, required: true },
  },
  { _id: false },
);

const staffSchema = new Schema(
  {
    fullName: { type: String, required: true, trim: true },
    /** Given name, then family, then middle name, as Vietnamese lists are ordered. */
    sortKey: { type: String, required: true },
    searchName: { type: String, required: true },
    position: { type: String, default: '', trim: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    birthYear: { type: Number, required: true },
    gender: { type: String, enum: GENDERS, required: true },
    category: { type: String, enum: STAFF_CATEGORIES, required: true },
    educationLevel: { type: String, enum: EDUCATION_LEVELS, default: 'university' },
    politicalTheoryLevel: { type: String, enum: POLITICAL_THEORY_LEVELS, default: 'none' },
    generalEducation: { type: String, enum: GENERAL_EDUCATION_LEVELS, default: 'unknown' },
    /** Optional employee code from the province's HR system; unique when given (empty = none). */
    staffCode: { type: String, default: '', trim: true },
    /** Always present so it can carry a unique index (no sparse indexes on FerretDB): the code, or '#' + _id when none. */
    codeKey: { type: String, required: true },
    active: { type: Boolean, default: true },
    /** The day the person stopped working here (set when made inactive, cleared when active again; null: not known). */
    inactiveSince: { type: Date, default: null },
    /** The units the person worked in before the current one, oldest first (written when the unit changes). */
    unitHistory: { type: [unitStaySchema], default: [] },
    /**
     * Every unit on the paths of `unitHistory`, top level: FerretDB filters a top-level array in the engine but reads
     * the whole collection for a dotted path (`unitHistory.unitPath`), which the figures of a past year asked per unit.
     */
    formerUnitPath: { type: [Schema.Types.ObjectId], default: [] },
    userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    version: { type: Number, default: 0 },
    /** The spreadsheet import that created this record, if any (its audit entry has this id). */
    importBatchId: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true },
);
export function staffCodeKey(staffCode: string | null | undefined, id: Types.ObjectId): string {
  const code = (staffCode ?? '').trim().toUpperCase();
  return code ? code : `#${String(id)}`;
}

staffSchema.pre('validate', function () {
  this.codeKey = staffCodeKey(this.staffCode, this._id);
});
staffSchema.index({ unitPath: 1, sortKey: 1 });
staffSchema.index({ codeKey: 1 }, { unique: true });
staffSchema.index({ sortKey: 1 });
staffSchema.index({ unitId: 1 });
staffSchema.index({ userId: 1 });
staffSchema.index({ formerUnitPath: 1 });
/** Every write to staff sets a new revision (directory.ts keeps the list's rows in memory while it stays the same). */
export const staffWrites = watchWrites(staffSchema, 'staff');

export type Staff = InferSchemaType<typeof staffSchema> & { _id: Types.ObjectId };
export const StaffModel = mongoose.model('Staff', staffSchema);
