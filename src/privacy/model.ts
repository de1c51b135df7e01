import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';

/** The one settings document (its _id is fixed): the retention periods the province administrator chose. */
export const SETTINGS_ID = 'retention';

const retentionSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Months after a report is settled (RESOLVED or CLOSED) before its reporter's identity and messages go. */
    reportMonths: { type: Number, required: true },
    /** Months after a desk rating before its free-text comment goes. */
    ratingCommentMonths: { type: Number, required: true },
    /** Months a data-subject request is kept in the register after it was handled (done or refused). */
    requestMonths: { type: Number, default: 36 },
    /** Hours to answer each kind of data-subject request, from its receipt (the register's deadlines). */
    accessHours: { type: Number, default: 72 },
    correctionHours: { type: Number, default: 72 },
    deletionHours: { type: Number, default: 72 },
    restrictionHours: { type: Number, default: 72 },
    /** Hours a generated export workbook is kept. */
    exportHours: { type: Number, required: true },
    /** Whom to ask about personal data, shown in the public notice ('' = the unit that received the report). */
    contact: { type: String, default: '' },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);

export type RetentionSettingsDoc = InferSchemaType<typeof retentionSettingsSchema>;
/** Read by every public page's notice from a copy kept in memory (settings.ts); every write through the model renews it. */
export const retentionSettingsWrites = watchWrites(retentionSettingsSchema, 'retentionSettings');
export const RetentionSettingsModel = mongoose.model('RetentionSettings', retentionSettingsSchema, 'retentionsettings');

/**
 * The retention job's one document: the lease that lets a single app process run it at a time (taken with a
 * conditional update on `leaseUntil`, so it holds across processes), and what its last run did — counts only.
 */
export const RUN_ID = 'retention';

const retentionRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    leaseUntil: { type: Date, default: () => new Date(0) },
    holder: { type: String, default: '' },
    /** The Vietnamese day (yyyy-mm-dd) of the last finished daily run: the next daily run waits for the next day. */
    lastDay: { type: String, default: '' },
    lastStartedAt: { type: Date, default: null },
    lastFinishedAt: { type: Date, default: null },
    /** 'schedule' or the display name of the administrator who asked for it. */
    lastTrigger: { type: String, default: '' },
    lastOk: { type: Boolean, default: true },
    lastCounts: {
      reports: { type: Number, default: 0 },
      comments: { type: Number, default: 0 },
      sessions: { type: Number, default: 0 },
      exports: { type: Number, default: 0 },
      requests: { type: Number, default: 0 },
    },
  },
  { timestamps: true },
);

export type RetentionRunDoc = InferSchemaType<typeof retentionRunSchema>;
export const RetentionRunModel = mongoose.model('RetentionRun', retentionRunSchema, 'retentionruns');

/** What a data subject asks for (Law 91/2025/QH15; formerly Decree 13/2023/NĐ-CP, now Decree 356/2025/NĐ-CP). */
export const REQUEST_KINDS = ['ACCESS', 'CORRECTION', 'DELETION', 'RESTRICTION'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATUSES = ['RECEIVED', 'DONE', 'REFUSED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** One data-subject request in the province's register: who asked (as they gave it), what, when, the deadline, who handled it. */
const dataRequestSchema = new Schema(
  {
    kind: { type: String, enum: REQUEST_KINDS, required: true },
    requesterName: { type: String, required: true },
    contact: { type: String, default: '' },
    details: { type: String, default: '' },
    receivedAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: REQUEST_STATUSES, default: 'RECEIVED' },
    answer: { type: String, default: '' },
    recordedByName: { type: String, default: '' },
    handledById: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    handledByName: { type: String, default: '' },
    handledAt: { type: Date, default: null },
  },
  { timestamps: true },
);
dataRequestSchema.index({ receivedAt: -1 });

export type DataRequest = InferSchemaType<typeof dataRequestSchema> & { _id: import('mongoose').Types.ObjectId };
export const DataRequestModel = mongoose.model('DataRequest', dataRequestSchema, 'datarequests');
