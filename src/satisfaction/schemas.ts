import { isId } from '../shared/ids.js';
import { z } from 'zod';
import { optionalText } from '../shared/validation.js';
import { RATING_LEVELS } from './model.js';

export const COMMENT_MAX = 500;
const asList = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** The kiosk form. The officer comes from the QR code: a bad or foreign id is dropped, never shown as an error. */
export const ratingForm = z.object({
  level: z.enum(RATING_LEVELS, { message: 'satisfaction.errors.level' }),
  criteria: z.preprocess(asList, z.array(z.string().trim().max(10)).max(20)),
  comment: optionalText(COMMENT_MAX),
  officer: z.preprocess((v) => (isId(v) ? v : undefined), z.string().optional()),
  /** Honeypot: hidden from people, filled in by some robots. */
  website: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()),
});
export type RatingInput = z.infer<typeof ratingForm>;

export const deskSettingsForm = z.object({
  scale: z.enum(['3', '5'], { message: 'validation.invalidChoice' }).transform((v) => (v === '5' ? 5 : 3) as 3 | 5),
});

const monthKey = z.preprocess((v) => (typeof v === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(v) ? v : undefined), z.string().optional());
export const reportQuery = z.object({
  unit: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()),
  from: monthKey,
  to: monthKey,
});
export type ReportQuery = z.infer<typeof reportQuery>;
