import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const EXPORT_KINDS = ['COMMUNE', 'PROVINCE'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];
/** Who a province file is for: the public (small report counts hidden, the default) or its own officials (exact). */
export const EXPORT_AUDIENCES = ['PUBLICATION', 'INTERNAL'] as const;
export type Audience = (typeof EXPORT_AUDIENCES)[number];

/** One requested workbook: built in the background by this process, downloaded by whoever asked for it. */
const exportJobSchema = new Schema(
  {
    kind: { type: String, enum: EXPORT_KINDS, required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitName: { type: String, required: true },
    year: { type: Number, required: true },
    lang: { type: String, enum: ['vi', 'en'], default: 'vi' },
    /** The province file's audience; a commune's file is its head's working copy, always exact. */
    audience: { type: String, enum: EXPORT_AUDIENCES, default: 'PUBLICATION' },
    requestedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    requestedByName: { type: String, default: '' },
    status: { type: String, enum: EXPORT_STATUSES, default: 'QUEUED' },
    /** 0–100. */
    progress: { type: Number, default: 0 },
    /** An i18n key saying why it failed (never a raw error text: it is shown to the user). */
    errorKey: { type: String, default: '' },
    filePath: { type: String, default: '' },
    fileName: { type: String, default: '' },
    fileSize: { type: Number, default: 0 },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    /** Touched while running: a RUNNING job whose heartbeat stopped was cut off by a restart. */
    heartbeatAt: { type: Date, default: null },
  },
  { timestamps: true },
);
exportJobSchema.index({ requestedBy: 1, createdAt: -1 });
exportJobSchema.index({ createdAt: 1 });

export type ExportJob = InferSchemaType<typeof exportJobSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const ExportJobModel = mongoose.model('ExportJob', exportJobSchema);
