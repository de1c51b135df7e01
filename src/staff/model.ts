import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const STAFF_CATEGORIES = ['canBo', 'congChuc', 'vienChuc', 'nguoiLaoDong'] as const;
export const GENDERS = ['male', 'female', 'other'] as const;
export const EDUCATION_LEVELS = ['none', 'secondary', 'vocational', 'college', 'university', 'master', 'doctorate'] as const;
export const POLITICAL_THEORY_LEVELS = ['none', 'elementary', 'intermediate', 'advanced'] as const;

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
    /** Optional employee code from the province's HR system; unique when given (empty = none). */
    staffCode: { type: String, default: '', trim: true },
    active: { type: Boolean, default: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    version: { type: Number, default: 0 },
  },
  { timestamps: true },
);
staffSchema.index({ unitPath: 1, sortKey: 1 });
staffSchema.index({ unitId: 1 });
staffSchema.index({ userId: 1 });

export type Staff = InferSchemaType<typeof staffSchema> & { _id: Types.ObjectId };
export const StaffModel = mongoose.model('Staff', staffSchema);
