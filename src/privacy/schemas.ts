import { z } from 'zod';
import { formText } from '../shared/validation.js';
import { RETENTION_BOUNDS } from './settings.js';

const whole = (field: keyof typeof RETENTION_BOUNDS) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().regex(/^\d{1,4}$/, `privacy.errors.${field}`))
    .transform(Number)
    .pipe(z.number().int().min(RETENTION_BOUNDS[field].min, `privacy.errors.${field}`).max(RETENTION_BOUNDS[field].max, `privacy.errors.${field}`));

export const retentionForm = z.object({
  reportMonths: whole('reportMonths'),
  ratingCommentMonths: whole('ratingCommentMonths'),
  exportHours: whole('exportHours'),
  contact: formText(300),
});
export type RetentionInput = z.infer<typeof retentionForm>;
