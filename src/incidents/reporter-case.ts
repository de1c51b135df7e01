import type { Actor } from '../auth/index.js';
import { Forbidden, NotFound } from '../shared/errors.js';
import { idOrNull } from '../shared/ids.js';
import { isOverdue } from './handling.js';
import { FINAL_STATUSES, FINDINGS, IncidentReportModel, ReporterIdentityModel, type FeedbackAnswer, type IncidentReport, type RemedyKind, type ReportStatus } from './model.js';
import { reporterLetter } from './reporter-letter.js';
import { assertTrackable, criterionLabels, loadCase } from './service.js';
import type { ReportSettings } from './settings.js';

/** How a reporter reaches their case: the case opened by its code in this session, or their own named report. */
export type ReporterAccess = { trackedId: string | undefined } | { actor: Actor; id: string };

/** The case its reporter may see, or 404 (no case opened, an expired code) / 403 (a report someone else filed). */
export async function reporterCase(access: ReporterAccess, settings: ReportSettings, now = new Date()): Promise<IncidentReport> {
  if ('trackedId' in access) {
    const _id = idOrNull(access.trackedId);
    const report = _id ? await IncidentReportModel.findById(_id).lean<IncidentReport>() : null;
    if (!report) throw new NotFound('reports.track.notFound');
    assertTrackable(report, settings, now);
    return report;
  }
  const report = await loadCase(access.id);
  if (!(await ReporterIdentityModel.exists({ reportId: report._id, userId: access.actor.userId }))) throw new Forbidden();
  return report;
}

/** When the case was last settled: what a questionnaire answer belongs to. */
export function settledAt(report: Pick<IncidentReport, 'closedAt' | 'history' | 'updatedAt'>): Date {
  return report.closedAt ?? report.history.at(-1)?.at ?? report.updatedAt;
}

export const isSettled = (report: Pick<IncidentReport, 'status'>) => FINAL_STATUSES.includes(report.status as ReportStatus);

/** The reporter's answer to the current settlement, if they gave one. */
export function answerToSettlement(report: IncidentReport) {
  if (!isSettled(report)) return undefined;
  const settled = settledAt(report).getTime();
  return report.feedback?.find((f) => f.closedAt.getTime() === settled);
}

/** The finding in force: the latest one since the case was last (re)opened for review. */
function currentFinding(report: IncidentReport): { status: ReportStatus; at: Date } | null {
  let finding: { status: ReportStatus; at: Date } | null = null;
  for (const h of report.history) {
    if (FINDINGS.includes(h.to as ReportStatus)) finding = { status: h.to as ReportStatus, at: h.at };
    else if (h.to === 'UNDER_REVIEW') finding = null;
  }
  return finding;
}

/**
 * What the reporter sees of their case. Never the handlers' names, internal notes, the finding's note (the handler
 * writes it as the step's working note, on a form that does not say the reporter reads it), remedy notes, or the
 * explanation of the person concerned.
 */
export async function reporterCaseView(report: IncidentReport, now = new Date()) {
  const labels = await criterionLabels(report);
  const label = (c: string) => labels.get(c)?.plain ?? c;
  const settled = isSettled(report);
  const finding = currentFinding(report);
  const answer = answerToSettlement(report);
  return {
    caseNumber: report.caseNumber,
    status: report.status,
    // Joined to another case about the same matter: said so, with nothing of that case or its reporter.
    joinedToAnother: Boolean(report.duplicateOf?.caseId),
    receivedAt: report.receivedAt,
    unitName: report.unitName,
    staffName: report.staffName,
    occurredAt: report.occurredAt,
    description: report.description,
    dossierNumber: report.dossierNumber,
    criteria: report.criterionCodes.map((c) => ({ code: c, label: label(c) })),
    messages: report.messages.map((m) => ({ at: m.at, author: m.author, text: m.text, evidence: listedCount(report, m.evidenceIds) })),
    // Of their files, the reporter sees how many they sent, never the files (whoever holds the code could read them).
    evidenceSent: (report.evidence ?? []).filter((e) => e.source === 'REPORT').length,
    timeline: report.history.map((h) => ({ status: h.to, at: h.at, byReporter: h.byReporter === true })),
    dueAt: settled ? null : report.dueAt,
    overdue: isOverdue(report, now),
    timeliness: settled ? report.outcome : null,
    closed: settled,
    finding: finding && { ...finding, confirmed: finding.status === 'NOT_SUBSTANTIATED' ? [] : report.confirmedCriterionCodes.map(label) },
    remedies: [...new Set(report.remedies.map((r) => r.kind as RemedyKind))],
    letterReadable: (await reporterLetter(report)) === 'READABLE',
    questionnaire: settled ? { open: !answer, answer: (answer?.answer ?? null) as FeedbackAnswer | null, comment: answer?.comment ?? '' } : null,
  };
}
export type ReporterCaseView = Awaited<ReturnType<typeof reporterCaseView>>;

/** How many of these files the case still lists. */
function listedCount(report: Pick<IncidentReport, 'evidence'>, ids: readonly { toString(): string }[] | undefined): number {
  const listed = new Set((report.evidence ?? []).map((e) => String(e._id)));
  return (ids ?? []).filter((id) => listed.has(String(id))).length;
}

/** The named reports a staff member filed, newest first (anonymous ones are followed by their code). */
export async function myReports(actor: Actor) {
  const identities = await ReporterIdentityModel.find({ userId: actor.userId }).select('reportId').lean();
  const rows = await Promise.all(identities.map((i) => IncidentReportModel.findById(i.reportId).select('caseNumber kind status receivedAt unitName staffName messages').lean()));
  return rows.filter((r) => r != null).sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
}
