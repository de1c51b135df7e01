import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const auditEntrySchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  actorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  actorName: { type: String, default: '' },
  objectType: { type: String, required: true },
  objectId: { type: Schema.Types.ObjectId, required: true },
  action: { type: String, required: true },
  /** Only the fields that changed, old and new values side by side. */
  changes: { type: [{ field: String, before: Schema.Types.Mixed, after: Schema.Types.Mixed, _id: false }], default: [] },
  unitPath: { type: [Schema.Types.ObjectId], default: [] },
});
auditEntrySchema.index({ objectType: 1, objectId: 1, at: -1 });
auditEntrySchema.index({ at: -1 });

export type AuditEntry = InferSchemaType<typeof auditEntrySchema> & { _id: Types.ObjectId };
export const AuditEntryModel = mongoose.model('AuditEntry', auditEntrySchema);
