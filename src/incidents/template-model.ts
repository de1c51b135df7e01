import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';
import { REPORT_STATUSES } from './model.js';

/**
 * Reply templates ("mẫu trả lời", FixMyStreet's response templates): texts the province administrator keeps for the
 * replies handlers send reporters, each for a criterion of the code and some case states, or for any. A handler picks
 * one on the case page and edits the text before sending it through the ordinary reply; nothing of the template is
 * kept on the case.
 */
const responseTemplateSchema = new Schema(
  {
    provinceId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    title: { type: String, required: true },
    textVi: { type: String, required: true },
    textEn: { type: String, default: '' },
    /** A criterion of the code ('' : any case). */
    criterionCode: { type: String, default: '' },
    /** The case states it suits, current or next (none: any). */
    statuses: { type: [String], enum: REPORT_STATUSES, default: [] },
    active: { type: Boolean, default: true },
    version: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
responseTemplateSchema.index({ provinceId: 1 });
/** A few templates per province, read on every case page: kept in memory until one is written. */
export const templateWrites = watchWrites(responseTemplateSchema, 'responseTemplates');
export type ResponseTemplate = InferSchemaType<typeof responseTemplateSchema> & { _id: Types.ObjectId };
export const ResponseTemplateModel = mongoose.model('ResponseTemplate', responseTemplateSchema, 'responsetemplates');

/**
 * What a template may leave to be filled from the case: its number, the current deadline and the day it came in.
 * Nothing that names or points at the reporter (a denouncer's identity is secret), nor the person reported about.
 */
export const PLACEHOLDERS = ['ma_ho_so', 'han_xu_ly', 'ngay_tiep_nhan'] as const;
export const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The placeholders of a text that are not among those allowed. */
export const unknownPlaceholders = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));

