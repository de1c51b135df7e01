import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { formatDate } from '../shared/dates.js';

export const SLIP_CHANNELS = ['PAPER', 'EMAIL', 'SMS'] as const;
export type SlipChannel = (typeof SLIP_CHANNELS)[number];

/** The "Phiếu xin lỗi và hẹn lại ngày trả kết quả" given for a late dossier. Issued once, not edited. */
const apologySlipSchema = new Schema(
  {
    documentNumber: { type: String, default: '', trim: true },
    reason: { type: String, required: true, trim: true },
    newReturnDate: { type: Date, required: true },
    channel: { type: String, enum: SLIP_CHANNELS, required: true },
    /** "Ông" or "Bà"; '' on slips issued before it was asked (printed neutrally). */
    salutation: { type: String, default: '' },
    signerName: { type: String, required: true, trim: true },
    signerTitle: { type: String, required: true, trim: true },
    issuedDate: { type: Date, required: true },
    issuedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { _id: false, timestamps: true },
);

/** An administrative dossier (hồ sơ TTHC) the one-stop desk could not return by its due date. */
const lateDossierSchema = new Schema(
  {
    dossierNumber: { type: String, required: true, trim: true },
    procedureName: { type: String, required: true, trim: true },
    applicantName: { type: String, required: true, trim: true },
    receivedDate: { type: Date, required: true },
    dueDate: { type: Date, required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    /** The unit's name when recorded: the list shows it without a look-up per row. */
    unitName: { type: String, required: true },
    handlingStaffId: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    handlingStaffName: { type: String, default: '' },
    slip: { type: apologySlipSchema, default: null },
    /** 1 while no slip was issued: a breach of X2 "Xin lỗi" that dashboards sum. */
    breachesApology: { type: Number, enum: [0, 1], required: true, default: 1 },
    /** From the due date, when the delay (and the breach) happens. */
    year: { type: Number, required: true },
    month: { type: Number, required: true },
    periodKey: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);
lateDossierSchema.pre('validate', function () {
  this.breachesApology = this.slip ? 0 : 1;
  const due = this.dueDate;
  if (due) {
    this.year = due.getUTCFullYear();
    this.month = due.getUTCMonth() + 1;
    this.periodKey = `${this.year}-${String(this.month).padStart(2, '0')}`;
  }
});
lateDossierSchema.index({ unitPath: 1, year: 1, breachesApology: 1 });
lateDossierSchema.index({ unitId: 1, dueDate: -1 });

export type LateDossier = InferSchemaType<typeof lateDossierSchema> & { _id: Types.ObjectId };
export type ApologySlip = NonNullable<LateDossier['slip']>;
export const LateDossierModel = mongoose.model('LateDossier', lateDossierSchema);

/** What the audit log keeps of a late dossier. */
export function dossierAuditView(
  d: Pick<LateDossier, 'dossierNumber' | 'procedureName' | 'receivedDate' | 'dueDate' | 'unitName' | 'handlingStaffName' | 'breachesApology'> & { slip?: { newReturnDate: Date; channel: string } | null },
) {
  return {
    dossierNumber: d.dossierNumber,
    procedureName: d.procedureName,
    receivedDate: formatDate(d.receivedDate),
    dueDate: formatDate(d.dueDate),
    unitName: d.unitName,
    handlingStaffName: d.handlingStaffName,
    slipNewReturnDate: d.slip ? formatDate(d.slip.newReturnDate) : '',
    slipChannel: d.slip?.channel ?? '',
    breachesApology: d.breachesApology,
  };
}
