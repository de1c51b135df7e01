import { z } from 'zod';
import { dateInput, formText, objectId, optionalText, requiredText, checkbox } from '../shared/validation.js';
import { CLASSIFICATION_LEVELS, LEVELS, PERIOD_KINDS } from './model.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const integer = (min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max));
const optionalInteger = (min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).optional());
/** The version the form was loaded with (hidden field): the service refuses a stale one. */
const version = integer(0, 1_000_000);

/** ratings[X1][level], ratings[X1][comment|reason] — one row per criterion, checked against the catalogue by the service. */
const ratings = z
  .record(
    z.string().regex(/^[A-Z0-9]{1,10}$/),
    z
      .object({
        level: z.preprocess(blankToUndefined, z.enum(LEVELS).optional()),
        comment: optionalText(1000),
        reason: optionalText(1000),
      })
      .optional(),
  )
  .default({});

export const newPeriodSchema = z.object({
  unitId: objectId,
  kind: z.enum(PERIOD_KINDS),
  year: integer(2000, 2100),
  // Its range depends on the kind (month or quarter): checked by the service, which names it.
  number: z.preprocess(blankToUndefined, z.coerce.number().int().default(1)),
  deadline: dateInput,
});

export const selfAssessmentSchema = z.object({
  version,
  ratings,
  overallComment: formText(2000).default(''),
  action: z.enum(['draft', 'submit']),
});

export const headEvaluationSchema = z.object({
  version,
  ratings,
  overallComment: formText(2000).default(''),
  linkedReportIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(objectId).max(50)),
  action: z.enum(['save', 'fillGood', 'finalise']),
});

export const amendmentSchema = z.object({
  version,
  ratings,
  reason: requiredText(1000),
});

export const reopenSchema = z.object({ reason: requiredText(1000) });

export const classificationSchema = z.object({
  version: version.default(0),
  generalPoints: optionalInteger(0, 100),
  taskPoints: optionalInteger(0, 100),
  level: z.enum(CLASSIFICATION_LEVELS),
  differenceReason: formText(1000).default(''),
});
