import type { Types } from 'mongoose';
import { findingOf } from './due-process.js';
import { IncidentReportModel, type IncidentReport } from './model.js';

/**
 * The cases about a staff member, as that person may see them (their right of access under
 * Law 91/2025/QH15): the case number, dates, state, the criteria reported, their own explanation and review requests,
 * and — once they were told the conclusion — the finding, the criteria it confirmed and the remedies' kinds. Only
 * cases they were asked to explain (the same gate as their page `/reports/explanations/:id`). Never who reported, how
 * (citizen or colleague, named or anonymous, phản ánh or tố cáo, the channel), the description or place (a reporter's
 * own words can name them), messages, evidence, internal or step notes, the finding note or handler names.
 */
export interface SubjectCase {
  caseNumber: string;
  unitName: string;
  occurredAt: Date;
  receivedAt: Date;
  status: string;
  closedAt: Date | null;
  criterionCodes: string[];
  explanation: { requestedAt: Date | null; dueAt: Date | null; submittedAt: Date | null; text: string };
  reviewRequests: { receivedOn: Date; finding: string; reason: string }[];
  conclusion: { notifiedOn: Date; finding: string; confirmedCriterionCodes: string[]; remedies: { kind: string; at: Date }[] } | null;
}

export async function casesForSubject(staffId: Types.ObjectId): Promise<SubjectCase[]> {
  const cases = await IncidentReportModel.find({ staffId })
    .select('caseNumber unitName occurredAt receivedAt status closedAt criterionCodes confirmedCriterionCodes explanation conclusion reviewRequests remedies history substantiated')
    .sort({ occurredAt: 1 })
    .lean<IncidentReport[]>();
  return cases
    .filter((c) => c.explanation?.requestedAt != null)
    .map(subjectCase);
}

function subjectCase(c: IncidentReport): SubjectCase {
  const e = c.explanation!;
  return {
    caseNumber: c.caseNumber,
    unitName: c.unitName,
    occurredAt: c.occurredAt,
    receivedAt: c.receivedAt,
    status: c.status,
    closedAt: c.closedAt ?? null,
    criterionCodes: [...c.criterionCodes],
    explanation: { requestedAt: e.requestedAt ?? null, dueAt: e.dueAt ?? null, submittedAt: e.submittedAt ?? null, text: e.text ?? '' },
    reviewRequests: (c.reviewRequests ?? []).map((r) => ({ receivedOn: r.receivedOn, finding: r.finding, reason: r.reason })),
    conclusion: c.conclusion?.notifiedOn
      ? { notifiedOn: c.conclusion.notifiedOn, finding: findingOf(c), confirmedCriterionCodes: [...c.confirmedCriterionCodes], remedies: c.remedies.map((r) => ({ kind: r.kind, at: r.at })) }
      : null,
  };
}
