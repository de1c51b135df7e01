import { z } from 'zod';
import { dateInput, optionalObjectId, optionalText, requiredText } from '../shared/validation.js';
import { catalogueErrors } from './rules.js';

/**
 * Rows posted as `criteria[0][code]`, `criteria[1][code]`…: qs turns them into an array, or into an
 * object keyed by index once an index passes its array limit (20). Either way, rows in form order.
 */
export function formRows(v: unknown): Record<string, unknown>[] {
  const rows = Array.isArray(v)
    ? v
    : v && typeof v === 'object'
      ? Object.keys(v)
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => (v as Record<string, unknown>)[k])
      : [];
  return rows.map((r) => (r && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : {}));
}

const cell = (max: number) => z.preprocess((v) => v ?? '', z.string().trim().max(max));
const upperCell = z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : (v ?? '')), z.string().trim().max(10));

const groupRow = z.object({ code: upperCell, nameVi: cell(200), nameEn: cell(200) });
const criterionRow = z.object({
  code: upperCell,
  group: upperCell,
  nameVi: cell(300),
  nameEn: cell(300),
  plainVi: cell(300),
  plainEn: cell(300),
  legalSource: cell(300),
});
type GroupRow = z.infer<typeof groupRow>;
type CriterionRow = z.infer<typeof criterionRow>;

const isBlank = (row: Record<string, string>) => Object.values(row).every((v) => v === '');

/** The "publish a new version" form: a table of group rows and a table of criterion rows; blank rows are ignored. */
// Two halves so that the rows are checked even when a heading field is wrong (a refinement on one
// object is skipped once any of its fields has failed).
const headingFields = z.object({
  provinceId: optionalObjectId,
  title: requiredText(200),
  legalBasis: optionalText(500),
  effectiveFrom: dateInput,
  latestSeen: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(1_000_000).optional()),
});

const catalogueRows = z
  .object({
    groups: z.preprocess(formRows, z.array(groupRow).max(50)),
    criteria: z.preprocess(formRows, z.array(criterionRow).max(200)),
  })
  .superRefine((form, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    form.groups.forEach((g, i) => {
      if (isBlank(g)) return;
      if (!g.code) issue(['groups', i, 'code'], 'validation.required');
      if (!g.nameVi) issue(['groups', i, 'nameVi'], 'validation.required');
    });
    form.criteria.forEach((c, i) => {
      if (isBlank(c)) return;
      if (!c.code) issue(['criteria', i, 'code'], 'validation.required');
      if (!c.group) issue(['criteria', i, 'group'], 'validation.required');
      if (!c.nameVi) issue(['criteria', i, 'nameVi'], 'validation.required');
      if (!c.plainVi) issue(['criteria', i, 'plainVi'], 'validation.required');
    });
    const errors = catalogueErrors(
      form.groups.map((g) => (isBlank(g) ? null : g)),
      form.criteria.map((c) => (isBlank(c) ? null : c)),
    );
    for (const [path, message] of Object.entries(errors)) issue(path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message);
  });

export const publishVersionSchema = z.intersection(headingFields, catalogueRows).transform((form) => ({
    provinceId: form.provinceId,
    title: form.title,
    legalBasis: form.legalBasis ?? '',
    latestSeen: form.latestSeen,
    effectiveFrom: form.effectiveFrom,
    groups: form.groups.filter((g) => !isBlank(g)).map((g: GroupRow) => ({ code: g.code, name: { vi: g.nameVi, en: g.nameEn } })),
    criteria: form.criteria
      .filter((c) => !isBlank(c))
      .map((c: CriterionRow) => ({
        code: c.code,
        group: c.group,
        name: { vi: c.nameVi, en: c.nameEn },
        plainLabel: { vi: c.plainVi, en: c.plainEn },
        legalSource: c.legalSource,
      })),
  }));

export type PublishVersionForm = z.output<typeof publishVersionSchema>;
