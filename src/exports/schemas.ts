import { vietnamYear } from '../shared/dates.js';
import { z } from 'zod';
import { objectId } from '../shared/validation.js';
import { EXPORT_AUDIENCES } from './model.js';

export const exportForm = z.object({
  unit: objectId,
  year: z.coerce
    .number({ message: 'exports.validation.year' })
    .int('exports.validation.year')
    .min(2000, 'exports.validation.year')
    .refine((y) => y <= vietnamYear() + 1, 'exports.validation.year'),
  /** The province file's audience; absent means for publication. */
  audience: z.preprocess((v) => (v === undefined || v === '' ? 'PUBLICATION' : v), z.enum(EXPORT_AUDIENCES, { message: 'exports.validation.audience' })),
});
export type ExportInput = z.infer<typeof exportForm>;
