import { watchWrites } from '../shared/kept-in-memory.js';
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const localisedText = {
  vi: { type: String, required: true, trim: true },
  en: { type: String, default: '', trim: true },
};

const criterionSchema = new Schema(
  {
    code: { type: String, required: true, trim: true },
    group: { type: String, required: true, trim: true },
    name: localisedText,
    /** Plain-language wording for citizens (report forms). */
    plainLabel: localisedText,
    legalSource: { type: String, default: '', trim: true },
    order: { type: Number, required: true },
  },
  { _id: false },
);

const groupSchema = new Schema(
  {
    code: { type: String, required: true, trim: true },
    name: localisedText,
    order: { type: Number, required: true },
  },
  { _id: false },
);

/** One published wording of the code of conduct for one province. Never edited after publishing. */
const codeVersionSchema = new Schema(
  {
    provinceId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    versionNumber: { type: Number, required: true },
    title: { type: String, required: true, trim: true },
    legalBasis: { type: String, default: '', trim: true },
    effectiveFrom: { type: Date, required: true },
    groups: { type: [groupSchema], required: true },
    criteria: { type: [criterionSchema], required: true },
    publishedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    /** The publisher's name as it was then: the list shows it without a look-up per row. */
    publishedByName: { type: String, default: '' },
  },
  { timestamps: true },
);
codeVersionSchema.index({ provinceId: 1, versionNumber: 1 }, { unique: true });
codeVersionSchema.index({ provinceId: 1, effectiveFrom: -1, versionNumber: -1 });
/** Every write sets a new revision: the published versions are kept in memory while it stays the same. */
export const codeWrites = watchWrites(codeVersionSchema, 'codeVersions');

export type CodeVersion = InferSchemaType<typeof codeVersionSchema> & { _id: Types.ObjectId };
export type Criterion = CodeVersion['criteria'][number];
export const CodeVersionModel = mongoose.model('CodeVersion', codeVersionSchema);
