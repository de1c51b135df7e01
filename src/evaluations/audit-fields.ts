/**
 * A form's ratings as fields of the audit log: one per criterion ("criterion X1": its level), its comment or reason
 * ("comment X1", "reason X1") and the overall comment. The log keeps only the fields that changed, and shows each
 * under its own label ("Tiêu chí X1: Thực hiện → Thực hiện tốt") instead of two copies of the whole form.
 */
export function ratingFields(ratings: readonly { criterionCode: string; level: string; comment?: string | null; reason?: string | null }[], overallComment?: string | null): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const r of ratings) {
    fields[`criterion ${r.criterionCode}`] = r.level;
    if (r.comment) fields[`comment ${r.criterionCode}`] = r.comment;
    if (r.reason) fields[`reason ${r.criterionCode}`] = r.reason;
  }
  if (overallComment) fields.overallComment = overallComment;
  return fields;
}
