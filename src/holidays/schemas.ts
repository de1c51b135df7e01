import { z } from 'zod';
import { checkbox, dateInput, optionalText, requiredText } from '../shared/validation.js';
import { HOLIDAY_KINDS } from './model.js';

export const holidayForm = z.object({
  date: dateInput,
  kind: z.enum(HOLIDAY_KINDS),
  name: requiredText(200),
  nameEn: optionalText(200),
  provisional: checkbox,
});
export type HolidayInput = z.infer<typeof holidayForm>;

export const loadYearForm = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
