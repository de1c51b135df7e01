import { z } from 'zod';
import { checkbox, dateInput, optionalText, requiredText } from '../shared/validation.js';
import { DISCIPLINE_FORMS, DISCIPLINE_SYSTEMS } from './model.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** One discipline decision, as copied from the paper. */
export const decisionForm = z.object({
  version: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(0)),
  /** Absent (an older page) means administrative, as for records stored before party discipline. */
  system: z.preprocess(blankToUndefined, z.enum(DISCIPLINE_SYSTEMS).default('ADMINISTRATIVE')),
  form: z.enum(DISCIPLINE_FORMS),
  decisionNumber: requiredText(60),
  decisionDate: dateInput,
  issuer: requiredText(300),
  effectiveDate: dateInput,
  violationYear: z.preprocess(blankToUndefined, z.coerce.number().int().min(2000).max(2100)),
  dutyRelated: checkbox,
  caseNumber: optionalText(40),
  note: optionalText(2000),
});
export type DecisionInput = z.infer<typeof decisionForm>;
