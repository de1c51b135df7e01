import { vietnamYear } from '../shared/dates.js';
import { z } from 'zod';
import { checkbox, objectId, optionalText, requiredText } from '../shared/validation.js';
import { foldForSearch } from '../shared/text.js';
import { EDUCATION_LEVELS, GENDERS, POLITICAL_THEORY_LEVELS, GENERAL_EDUCATION_LEVELS, STAFF_CATEGORIES } from './model.js';
import { staffMessages } from './messages.js';

export const MIN_BIRTH_YEAR = 1940;
export const MIN_AGE = 15;
export const maxBirthYear = (now = new Date()) => vietnamYear(now) - MIN_AGE;

const birthYear = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d{4}\s*$/.test(v) ? Number(v) : v),
  z.number({ message: 'staff.validation.birthYear' }).int('staff.validation.birthYear').refine((y) => y >= MIN_BIRTH_YEAR && y <= maxBirthYear(), 'staff.validation.birthYear'),
);
const staffCode = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v ?? ''),
  z.string().regex(/^[A-Za-z0-9._-]{0,30}$/, 'staff.validation.staffCode'),
);
const username = z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''), z.string().max(100));

/** The create/edit form. */
export const staffForm = z.object({
  fullName: requiredText(100),
  position: optionalText(150).transform((v) => v ?? ''),
  unitId: objectId,
  birthYear,
  gender: z.enum(GENDERS),
  category: z.enum(STAFF_CATEGORIES),
  educationLevel: z.enum(EDUCATION_LEVELS),
  politicalTheoryLevel: z.enum(POLITICAL_THEORY_LEVELS),
  /** Absent (a form or client from before the field): the stored value is kept. */
  generalEducation: z.enum(GENERAL_EDUCATION_LEVELS).optional(),
  staffCode,
  username,
  active: checkbox,
});
export type StaffInput = z.infer<typeof staffForm>;

export const staffEditForm = staffForm.extend({ version: z.coerce.number().int().min(0) });
export type StaffEditInput = z.infer<typeof staffEditForm>;

/** The list's query string; anything odd falls back to "no filter" rather than failing. */
export const staffListQuery = z.object({
  q: z.string().trim().max(100).catch(''),
  unitId: z.union([objectId, z.literal('')]).catch(''),
  category: z.union([z.enum(STAFF_CATEGORIES), z.literal('')]).catch(''),
  active: z.enum(['', 'true', 'false']).catch(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type StaffListQuery = z.infer<typeof staffListQuery>;

// Spreadsheet cells accept the Vietnamese label, the English label or the code itself, with or without diacritics.
function lookup<T extends string>(values: readonly T[], labels: { vi: Record<string, string>; en: Record<string, string> }): Map<string, T> {
  const map = new Map<string, T>();
  for (const v of values) for (const text of [v, labels.vi[v], labels.en[v]]) if (text) map.set(foldForSearch(text), v);
  return map;
}
const { vi, en } = { vi: staffMessages.vi.staff, en: staffMessages.en.staff };
const cellChoice = <T extends string>(map: Map<string, T>, message: string, fallback?: T) =>
  z.string().transform((v, ctx) => {
    if (v === '' && fallback) return fallback;
    const found = map.get(foldForSearch(v));
    if (!found) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return found;
  });

/** The import's columns: the header each must carry, and the field it fills. */
export const IMPORT_COLUMNS = [
  { field: 'fullName', header: 'Họ và tên', required: true },
  { field: 'position', header: 'Chức vụ', required: true },
  { field: 'unitCode', header: 'Mã đơn vị', required: true },
  { field: 'birthYear', header: 'Năm sinh', required: true },
  { field: 'gender', header: 'Giới tính', required: true },
  { field: 'category', header: 'Loại', required: true },
  { field: 'educationLevel', header: 'Trình độ chuyên môn', required: true },
  { field: 'politicalTheoryLevel', header: 'Lý luận chính trị', required: true },
  // Optional, so files made from the earlier template still import (their people read "Chưa khai báo").
  { field: 'generalEducation', header: 'Giáo dục phổ thông', required: false },
  { field: 'staffCode', header: 'Mã cán bộ', required: false },
] as const;
export type ImportField = (typeof IMPORT_COLUMNS)[number]['field'];

/** One spreadsheet row, as cell texts keyed by field. */
export const importRow = z.object({
  fullName: z.string().min(1, 'staff.import.required').max(100, 'staff.import.tooLong'),
  position: z.string().max(150, 'staff.import.tooLong'),
  unitCode: z.string().min(1, 'staff.import.required').max(50, 'staff.import.tooLong'),
  birthYear,
  gender: cellChoice(lookup(GENDERS, { vi: vi.genders, en: en.genders }), 'staff.import.gender'),
  category: cellChoice(lookup(STAFF_CATEGORIES, { vi: vi.categories, en: en.categories }), 'staff.import.category'),
  educationLevel: cellChoice(lookup(EDUCATION_LEVELS, { vi: vi.educationLevels, en: en.educationLevels }), 'staff.import.educationLevel', 'university'),
  politicalTheoryLevel: cellChoice(lookup(POLITICAL_THEORY_LEVELS, { vi: vi.politicalTheoryLevels, en: en.politicalTheoryLevels }), 'staff.import.politicalTheoryLevel', 'none'),
  generalEducation: cellChoice(lookup(GENERAL_EDUCATION_LEVELS, { vi: vi.generalEducationLevels, en: en.generalEducationLevels }), 'staff.import.generalEducation', 'unknown'),
  staffCode,
});
export type ImportRow = z.infer<typeof importRow>;
