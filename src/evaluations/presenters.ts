import type { Language } from '../shared/i18n.js';
import { formatDate, formatDateTime } from '../shared/dates.js';
import type { HeadRating, SelfRating } from './model.js';
import type { EvaluationPage } from './service.js';

export interface CriterionRow {
  code: string;
  name: string;
  groupName: string;
  self: SelfRating | null;
  head: HeadRating | null;
  /** A substantiated incident on this criterion in the period. */
  incident: boolean;
}

/** Shapes an evaluation page for the view: one row per criterion, self and head ratings side by side. */
export function evaluationView(page: EvaluationPage, lang: Language) {
  const { evaluation, catalogue } = page;
  const self = new Map(evaluation.selfAssessment.ratings.map((r) => [r.criterionCode, r as SelfRating]));
  const head = new Map(evaluation.headEvaluation.ratings.map((r) => [r.criterionCode, r as HeadRating]));
  const incidentCodes = new Set(page.incidents.flatMap((i) => i.criterionCodes));
  const groupNames = new Map(catalogue.groups.map((g) => [g.code, lang === 'en' && g.name.en ? g.name.en : g.name.vi]));
  const rows: CriterionRow[] = catalogue.criteria.map((c) => ({
    code: c.code,
    name: lang === 'en' && c.name.en ? c.name.en : c.name.vi,
    groupName: groupNames.get(c.group) ?? c.group,
    self: page.showSelf ? (self.get(c.code) ?? null) : null,
    head: page.showHead ? (head.get(c.code) ?? null) : null,
    incident: incidentCodes.has(c.code),
  }));
  const linked = new Set(evaluation.headEvaluation.linkedReportIds.map(String));
  const amendments = evaluation.amendments.map((a) => {
    const before = new Map(a.before.map((r) => [r.criterionCode, r.level]));
    return {
      at: formatDateTime(a.at),
      authorName: a.authorName,
      reason: a.reason,
      changes: a.after.filter((r) => before.get(r.criterionCode) !== r.level).map((r) => ({ code: r.criterionCode, before: before.get(r.criterionCode) ?? null, after: r.level })),
    };
  });
  return {
    page,
    evaluation,
    period: page.period,
    rows,
    amendments,
    incidents: page.incidents.map((i) => ({ id: String(i._id), caseNumber: i.caseNumber, date: formatDate(i.occurredAt), criteria: i.criterionCodes.join(', '), linked: linked.has(String(i._id)) })),
  };
}
