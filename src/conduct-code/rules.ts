import type { FieldErrors } from '../shared/errors.js';

/** Criterion and group codes: short, upper-case letters and digits (X1, K6, PT1). */
export const CODE_PATTERN = /^[A-Z0-9]{1,10}$/;

/**
 * The rules a catalogue must satisfy before it is published, with errors keyed by position
 * (`criteria.3.code`) so a form can show them beside its rows. `null` entries are blank form rows:
 * skipped, but they keep their place so the positions still match the form.
 */
export function catalogueErrors(groups: readonly ({ code: string } | null)[], criteria: readonly ({ code: string; group: string } | null)[]): FieldErrors {
  const errors: FieldErrors = {};
  const groupCodes = new Set<string>();
  groups.forEach((g, i) => {
    if (!g) return;
    if (!CODE_PATTERN.test(g.code)) errors[`groups.${i}.code`] ??= 'code.validation.codeFormat';
    else if (groupCodes.has(g.code)) errors[`groups.${i}.code`] ??= 'code.validation.duplicateGroup';
    groupCodes.add(g.code);
  });
  if (groupCodes.size === 0) errors.groups = 'code.validation.noGroups';

  const criterionCodes = new Set<string>();
  const usedGroups = new Set<string>();
  criteria.forEach((c, i) => {
    if (!c) return;
    if (!CODE_PATTERN.test(c.code)) errors[`criteria.${i}.code`] ??= 'code.validation.codeFormat';
    else if (criterionCodes.has(c.code)) errors[`criteria.${i}.code`] ??= 'code.validation.duplicateCode';
    criterionCodes.add(c.code);
    if (!groupCodes.has(c.group)) errors[`criteria.${i}.group`] ??= 'code.validation.unknownGroup';
    usedGroups.add(c.group);
  });
  if (!criteria.some(Boolean)) errors.criteria = 'code.validation.noCriteria';

  groups.forEach((g, i) => {
    if (g && CODE_PATTERN.test(g.code) && !usedGroups.has(g.code)) errors[`groups.${i}.code`] ??= 'code.validation.emptyGroup';
  });
  return errors;
}
