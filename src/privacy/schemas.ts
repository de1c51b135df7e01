import { z } from 'zod';
import { dateInput, formText, requiredText } from '../shared/validation.js';
import { REQUEST_KINDS } from './model.js';
import { RETENTION_BOUNDS } from './settings.js';

const whole = (field: keyof typeof RETENTION_BOUNDS) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().regex(/^\d{1,4}$/, `privacy.errors.${field}`))
    .transform(Number)
    .pipe(z.number().int().min(RETENTION_BOUNDS[field].min, `privacy.errors.${field}`).max(RETENTION_BOUNDS[field].max, `privacy.errors.${field}`));

export const retentionForm = z.object({
  reportMonths: whole('reportMonths'),
  ratingCommentMonths: whole('ratingCommentMonths'),
  exportHours: whole('exportHours'),
  requestMonths: whole('requestMonths'),
  accessHours: whole('accessHours'),
  correctionHours: whole('correctionHours'),
  deletionHours: whole('deletionHours'),
  restrictionHours: whole('restrictionHours'),
  contact: formText(300),
});
export type RetentionInput = z.infer<typeof retentionForm>;

export const dataRequestForm = z.object({
  kind: z.enum(REQUEST_KINDS),
  requesterName: requiredText(200),
  contact: formText(200),
  details: formText(2000),
  /** The day it was received (dd/mm/yyyy or yyyy-mm-dd) and the hour (hh:mm), Việt Nam time. */
  receivedOn: dateInput,
  receivedTime: z.string().trim().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'privacy.requests.timeInvalid'),
});
export type DataRequestInput = z.infer<typeof dataRequestForm>;

export const handleRequestForm = z.object({
  status: z.enum(['DONE', 'REFUSED']),
  answer: requiredText(2000),
});

/** The staff member an access request is about, named by employee code or record id. */
export const accessFileForm = z.object({
  staff: requiredText(100),
});
