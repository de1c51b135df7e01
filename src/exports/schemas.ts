import { vietnamYear } from '../shared/dates.js';
import { z } from 'zod';
import { objectId } from '../shared/validation.js';

export const exportForm = z.object({
  unit: objectId,
  year: z.coerce
    .number({ message: 'exports.validation.year' })
    .int('exports.validation.year')
    .min(2000, 'exports.validation.year')
    .refine((y) => y <= vietnamYear() + 1, 'exports.validation.year'),
});
export type ExportInput = z.infer<typeof exportForm>;
