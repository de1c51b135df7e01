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
  /**
   * The entry's place in the log of each unit on its path, overall and per record type, action, both, and actor
   * (sequences.ts): the log pages by an equality on one of these keys instead of reading the whole history.
   */
  seqKeys: { type: [String], default: [] },
  /** Written before the log was numbered (or while it is renumbered): numbered by the next rebuild. */
  seqPending: { type: Boolean, default: false },
});
auditEntrySchema.index({ objectType: 1, objectId: 1, at: -1 });
auditEntrySchema.index({ at: -1 });
/** A person's own actions (their right of access: `entriesByActor`). */
auditEntrySchema.index({ actorId: 1, at: 1 });
auditEntrySchema.index({ seqKeys: 1 });
auditEntrySchema.index({ seqPending: 1 });

export type AuditEntry = InferSchemaType<typeof auditEntrySchema> & { _id: Types.ObjectId };
export const AuditEntryModel = mongoose.model('AuditEntry', auditEntrySchema);

/**
 * How many entries each sequence of a unit holds (`n`: {dim: count}); one document per unit, and one per unit and actor
 * (`<unit>|u:<actor>`) that also carries the actor's name and its folded word-start prefixes for the actor filter.
 */
const auditSequenceSchema = new Schema(
  {
    _id: { type: String, required: true },
    scope: { type: String, default: '' },
    n: { type: Schema.Types.Mixed, default: {} },
    name: { type: String, default: '' },
    names: { type: [String], default: [] },
    nameKeys: { type: [String], default: [] },
  },
  { versionKey: false, minimize: false },
);
auditSequenceSchema.index({ scope: 1, nameKeys: 1 });

export const AuditSequenceModel = mongoose.model('AuditSequence', auditSequenceSchema, 'auditsequences');
