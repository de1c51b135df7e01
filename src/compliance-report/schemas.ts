import { vietnamYear } from '../shared/dates.js';
import { z } from 'zod';
import { objectId } from '../shared/validation.js';
import { WINDOW_KINDS } from './window.js';

const optionalMonth = z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.coerce.number({ message: 'complianceReport.validation.month' }).int('complianceReport.validation.month').min(1, 'complianceReport.validation.month').max(12, 'complianceReport.validation.month').optional());

export const reportForm = z
  .object({
    unit: objectId,
    year: z.coerce
      .number({ message: 'complianceReport.validation.year' })
      .int('complianceReport.validation.year')
      .min(2000, 'complianceReport.validation.year')
      .refine((y) => y <= vietnamYear() + 1, 'complianceReport.validation.year'),
    window: z.enum(WINDOW_KINDS, { message: 'complianceReport.validation.window' }),
    fromMonth: optionalMonth,
    toMonth: optionalMonth,
    /** The sequence of the report in the issuer's register; blank: dots to be filled in by hand. */
    number: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().regex(/^\d{0,6}$/, 'complianceReport.validation.number')).default(''),
    signerName: z.string().trim().max(100, 'complianceReport.validation.signerName').default(''),
    signerRole: z.enum(['head', 'deputy'], { message: 'complianceReport.validation.signerRole' }).default('head'),
  })
  .superRefine((v, ctx) => {
    if (v.window !== 'months') return;
    if (v.fromMonth === undefined) ctx.addIssue({ code: 'custom', path: ['fromMonth'], message: 'complianceReport.validation.month' });
    if (v.toMonth === undefined) ctx.addIssue({ code: 'custom', path: ['toMonth'], message: 'complianceReport.validation.month' });
    if (v.fromMonth !== undefined && v.toMonth !== undefined && v.fromMonth > v.toMonth) ctx.addIssue({ code: 'custom', path: ['toMonth'], message: 'complianceReport.validation.monthOrder' });
  });
export type ReportInput = z.infer<typeof reportForm>;
