import { isId } from './ids.js';
import { z, type ZodType } from 'zod';
import { ValidationFailed, type FieldErrors } from './errors.js';

// Zod issues become i18n keys; a schema may name its own key as the message ("validation.xyz", "users.errors.xyz").
const I18N_KEY = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/;

function keyFor(issue: z.core.$ZodIssue): string {
  if (I18N_KEY.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return 'validation.required';
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1 ? 'validation.required' : 'validation.tooSmall';
    case 'too_big':
      return 'validation.tooBig';
    case 'invalid_value':
      return 'validation.invalidChoice';
    case 'invalid_format':
      return 'validation.invalidFormat';
    default:
      return 'validation.invalid';
  }
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.') || '_form';
    errors[field] ??= keyFor(issue);
  }
  return errors;
}

export function parseInput<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationFailed(fieldErrorsOf(result.error));
  return result.data;
}

/** Building blocks shared by the forms. Empty strings from HTML forms mean "not given". */
export const formText = (max = 200) => z.string().trim().max(max);
export const requiredText = (max = 200) => z.string().trim().min(1).max(max);
export const optionalText = (max = 200) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max).optional());
export const objectId = z.string().refine(isId, 'validation.invalid');
export const optionalObjectId = z.preprocess((v) => (v === '' ? undefined : v), objectId.optional());
export const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === '1' || v === true, z.boolean());
/** dd/MM/yyyy as typed by a Vietnamese user, or yyyy-MM-dd from a date input. */
export const dateInput = z.string().trim().transform((v, ctx) => {
  const d = parseUserDate(v);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: 'validation.date' });
    return z.NEVER;
  }
  return d;
});
export const optionalDateInput = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), dateInput.optional());

export function parseUserDate(v: string): Date | null {
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  let day: number, month: number, year: number;
  if (m) [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v))) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : null;
}
