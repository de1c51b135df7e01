import { isId } from '../shared/ids.js';
import { z } from 'zod';
import { dateInput, objectId, optionalObjectId, optionalText, requiredText } from '../shared/validation.js';
import { SLIP_CHANNELS } from './model.js';
import { SALUTATIONS } from '../letters/index.js';

/** What is entered about a dossier, on recording and on correcting it. */
const dossierFields = z.object({
  dossierNumber: requiredText(60),
  procedureName: requiredText(300),
  applicantName: requiredText(120),
  receivedDate: dateInput,
  dueDate: dateInput,
  handlingStaffId: optionalObjectId,
});
const dueNotBeforeReceived = (v: { dueDate: Date; receivedDate: Date }) => v.dueDate >= v.receivedDate;
const dueBeforeReceived = { path: ['dueDate'], message: 'dossiers.errors.dueBeforeReceived' };

export const lateDossierForm = dossierFields.extend({ unitId: objectId }).refine(dueNotBeforeReceived, dueBeforeReceived);
export type LateDossierInput = z.infer<typeof lateDossierForm>;

/** The unit stays; the version is the last write's moment the form was read at. */
export const dossierEditForm = dossierFields.extend({ version: z.string().regex(/^\d{1,16}$/, { message: 'errors.badRequest' }) }).refine(dueNotBeforeReceived, dueBeforeReceived);
export type DossierEditInput = z.infer<typeof dossierEditForm>;

/** `withdrawReason`, not `reason`: the dossier page holds the slip form too, whose reason is another field. */
export const withdrawForm = z.object({ withdrawReason: requiredText(500) });
export type WithdrawInput = z.infer<typeof withdrawForm>;

export const apologySlipForm = z.object({
  documentNumber: optionalText(60),
  reason: requiredText(1000),
  newReturnDate: dateInput,
  channel: z.enum(SLIP_CHANNELS, { message: 'validation.invalidChoice' }),
  salutation: z.enum(SALUTATIONS, { message: 'dossiers.errors.salutation' }),
  signerName: requiredText(120),
  signerTitle: requiredText(120),
  issuedDate: dateInput,
});
export type ApologySlipInput = z.infer<typeof apologySlipForm>;

export const dossierListQuery = z.object({
  unit: z.preprocess((v) => (isId(v) ? v : ''), z.string()),
  year: z.preprocess((v) => (typeof v === 'string' && /^\d{4}$/.test(v) ? Number(v) : undefined), z.number().int().min(2000).max(2100).optional()),
  withoutSlip: z.preprocess((v) => v === '1' || v === 'on', z.boolean()),
});
export type DossierListQuery = z.infer<typeof dossierListQuery>;
