import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';

export const HOLIDAY_KINDS = ['HOLIDAY', 'WORKING_DAY'] as const;

/** One day of the national calendar that differs from the Monday–Friday week. */
const holidaySchema = new Schema(
  {
    /** The calendar day, UTC midnight. */
    date: { type: Date, required: true },
    year: { type: Number, required: true },
    kind: { type: String, enum: HOLIDAY_KINDS, required: true, default: 'HOLIDAY' },
    name: { type: String, required: true, trim: true },
    nameEn: { type: String, default: '', trim: true },
    provisional: { type: Boolean, default: false },
  },
  { timestamps: true },
);
holidaySchema.index({ date: 1 }, { unique: true });
holidaySchema.index({ year: 1, date: 1 });
export const holidayWrites = watchWrites(holidaySchema, 'holidays');

export type Holiday = InferSchemaType<typeof holidaySchema> & { _id: Types.ObjectId };
export const HolidayModel = mongoose.model('Holiday', holidaySchema);
