import { updateCase } from './case-writes.js';
import type { Actor } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { workingDaysFrom } from '../holidays/index.js';
import { vietnamDay } from '../shared/dates.js';
import { Conflict, Forbidden, ValidationFailed } from '../shared/errors.js';
import { evaluationFor } from '../evaluations/index.js';
import { FINAL_STATUSES, FINDINGS, breachKeysOf, ReportNoticeModel, statisticsYearsOf, type IncidentReport, type RemedyKind, type ReportStatus } from './model.js';
import { AUDIT_TYPE, caseFor, isSubject, loadCase } from './service.js';
import type { ReportSettings } from './settings.js';
import { recordsChanged } from '../shared/changes.js';
import { countCase, recordBreaches } from './counters.js';
import type { Mailer } from '../notifications/index.js';
import { tellReporterOfChange } from './reporter-mail.js';
import { templateTitle } from './response-templates.js';
import { assertMayConclude, explanationNoticesDone, findingOf, reviewOpenUntil, tellSubjectOfFinding } from './due-process.js';

export const warningWindow = (settings: Pick<ReportSettings, 'EARLY_WARNING_THRESHOLD' | 'EARLY_WARNING_WINDOW_DAYS'>) => ({ threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS });

/** The case workflow: which state may follow which. */
export const TRANSITIONS: Readonly<Record<ReportStatus, readonly ReportStatus[]>> = {
  RECEIVED: ['UNDER_REVIEW', 'CLOSED'],
  UNDER_REVIEW: ['SUBSTANTIATED', 'PARTLY_SUBSTANTIATED', 'NOT_SUBSTANTIATED'],
  SUBSTANTIATED: ['RESOLVED'],
  PARTLY_SUBSTANTIATED: ['RESOLVED'],
  NOT_SUBSTANTIATED: ['CLOSED'],
  RESOLVED: [],
  CLOSED: [],
};

/** Working days allowed in a state before the next step is due (none once the case is final). */
export function stageDays(status: ReportStatus, settings: ReportSettings): number | null {
  if (status === 'RECEIVED') return settings.REPORT_DAYS_ACKNOWLEDGE;
  if (status === 'UNDER_REVIEW') return settings.REPORT_DAYS_REVIEW;
  if (FINAL_STATUSES.includes(status)) return null;
  return settings.REPORT_DAYS_RESOLVE;
}

export const isOverdue = (report: Pick<IncidentReport, 'dueAt' | 'status'>, now: Date) =>
  report.dueAt != null && !FINAL_STATUSES.includes(report.status as ReportStatus) && vietnamDay(now).getTime() > report.dueAt.getTime();

/** One atomic write guarded by the version the handler saw; a stale form gets 409. */
async function saveCase(report: IncidentReport, expectedVersion: number | undefined, update: Record<string, unknown>): Promise<void> {
  const version = expectedVersion ?? report.version;
  if (version !== report.version) throw new Conflict();
  const inc = { ...((update.$inc as Record<string, number>) ?? {}), version: 1 };
  const result = await updateCase({ _id: report._id, version }, { ...update, $inc: inc });
  if (result.matchedCount === 0) throw new Conflict();
  await recordsChanged(report.unitPath, ...statisticsYearsOf(report));
}

export interface TransitionInput {
  to: ReportStatus;
  note: string;
  version?: number;
  /** For a partly substantiated finding: which of the reported criteria were confirmed. */
  confirmedCodes?: string[];
}

/** `deps.mailer` replaces the SMTP mailer of the settings for the subject's conclusion e-mail and the citizen reporter's e-mail (null: none). */
export async function transition(actor: Actor, id: string, input: TransitionInput, settings: ReportSettings, now = new Date(), deps: { mailer?: Mailer | null } = {}): Promise<void> {
  const report = await caseFor(actor, id);
  const from = report.status as ReportStatus;
  if (!TRANSITIONS[from].includes(input.to)) throw new Conflict('reports.errors.illegalTransition');
  const today = vietnamDay(now);
  const set: Record<string, unknown> = {};

  if (input.to === 'UNDER_REVIEW' && report.staffId) {
    // Due process: the person concerned is told and may explain before the finding.
    const dueAt = await workingDaysFrom(today, settings.EXPLANATION_DAYS);
    set['explanation.requestedAt'] = now;
    set['explanation.dueAt'] = dueAt;
    await ReportNoticeModel.insertMany(report.excludedUserIds.map((userId) => ({ userId, reportId: report._id, kind: 'EXPLANATION_REQUESTED', at: now, dueAt })));
  }
  if (FINDINGS.includes(input.to)) Object.assign(set, await findingFields(report, input, actor, now));
  if (input.to === 'RESOLVED') assertRemedied(report);

  const stageLate = isOverdue(report, now);
  const wasLate = report.wasLate === 1 || stageLate;
  const days = stageDays(input.to, settings);
  Object.assign(set, {
    status: input.to,
    stageStartedAt: now,
    dueAt: days == null ? null : await workingDaysFrom(today, days),
    overdue: 0,
    wasLate: wasLate ? 1 : 0,
  });
  if (days == null) {
    set.closedAt = now;
    set.outcome = wasLate ? 'LATE' : report.extended ? 'EXTENDED' : 'ON_TIME';
  }
  await saveCase(report, input.version, {
    $set: set,
    $push: { history: { from, to: input.to, at: now, byUserId: actor.userId, byName: actor.displayName, note: input.note, late: stageLate } },
  });
  // Second steps, each idempotent from the case: the status counters and the early-warning breaches.
  await countCase(report, { ...report, status: input.to });
  if (set.substantiated === true) await recordBreaches({ ...report, breachKeys: set.breachKeys as string[] }, warningWindow(settings), now);
  if (FINDINGS.includes(input.to)) await tellSubjectOfFinding(report, input.to, settings, now, deps);
  await audit.record({
    actor,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'transition',
    before: { status: from },
    after: { status: input.to, note: input.note, ...(set.outcome ? { outcome: set.outcome } : {}) },
    unitPath: report.handlerUnitPath,
  });
  await tellReporterOfChange(report, input.to, settings, deps);
}

async function findingFields(report: IncidentReport, input: TransitionInput, actor: Actor, now: Date) {
  // Every subject, with a login or not: the explanation (or its refusal, recorded by the handler) or its deadline first.
  assertMayConclude(report, now);
  let confirmed: string[] = [];
  if (input.to === 'SUBSTANTIATED') confirmed = [...report.criterionCodes];
  if (input.to === 'PARTLY_SUBSTANTIATED') {
    confirmed = [...new Set(input.confirmedCodes ?? [])].filter((c) => report.criterionCodes.includes(c));
    if (!confirmed.length || confirmed.length === report.criterionCodes.length) throw new ValidationFailed({ confirmedCodes: 'reports.errors.partlyCodes' });
  }
  const substantiated = input.to !== 'NOT_SUBSTANTIATED';
  // The evaluation may have been opened since the report came in.
  const link = await evaluationFor(report.staffId ?? null, report.occurredAt);
  return {
    confirmedCriterionCodes: confirmed,
    breachKeys: breachKeysOf(report.staffId, report.deskId, confirmed),
    substantiated,
    substantiatedFlag: substantiated ? 1 : 0,
    substantiatedAt: substantiated ? now : null,
    'finding.note': input.note,
    'finding.explanationSummary': report.explanation?.submittedAt ? report.explanation.text : '',
    'finding.at': now,
    'finding.byName': actor.displayName,
    ...(link.evaluationId ? link : {}),
  };
}

function assertRemedied(report: IncidentReport): void {
  if (!report.remedies.length) throw new Conflict('reports.errors.remedyNeeded');
  if (report.remedies.some((r) => r.kind === 'APOLOGY') && !report.letterSentAt) throw new Conflict('reports.errors.letterNotSent');
}

/** A reply the reporter reads through the tracking code. */
export async function addReply(actor: Actor, id: string, text: string, now = new Date(), opts: { templateId?: string } = {}): Promise<void> {
  const report = await caseFor(actor, id);
  await saveCase(report, undefined, { $push: { messages: { at: now, author: 'UNIT', byName: actor.displayName, text } } });
  // The reply's length, not its words: the words are the reporter's thread, erased with it by the retention run.
  // Which reply template it was started from, if any: in the audit entry only (the case keeps just the reply).
  const template = await templateTitle(opts.templateId, report);
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'reply', before: { messages: report.messages.length }, after: { messages: report.messages.length + 1, replyChars: text.length, ...(template ? { template } : {}) }, unitPath: report.handlerUnitPath });
}

/** A note for the handlers only. */
export async function addNote(actor: Actor, id: string, text: string, now = new Date()): Promise<void> {
  const report = await caseFor(actor, id);
  await saveCase(report, undefined, { $push: { internalNotes: { at: now, byUserId: actor.userId, byName: actor.displayName, text } } });
  // Likewise the note's length only: internal notes go with the reporter's data when the case's period ends.
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'note', before: { internalNotes: report.internalNotes.length }, after: { internalNotes: report.internalNotes.length + 1, noteChars: text.length }, unitPath: report.handlerUnitPath });
}

/** Moves the current stage's deadline on by some working days; the outcome then reads "extended". */
export async function extendDeadline(actor: Actor, id: string, input: { days: number; reason: string; version?: number }, now = new Date()): Promise<void> {
  const report = await caseFor(actor, id);
  if (!report.dueAt) throw new Conflict('reports.errors.caseClosed');
  const base = report.dueAt.getTime() > vietnamDay(now).getTime() ? report.dueAt : vietnamDay(now);
  const dueAt = await workingDaysFrom(base, input.days);
  await saveCase(report, input.version, {
    $set: { dueAt, extended: true, overdue: 0 },
    $push: { internalNotes: { at: now, byUserId: actor.userId, byName: actor.displayName, text: input.reason } },
  });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'extend', before: { dueAt: report.dueAt }, after: { dueAt, reason: input.reason }, unitPath: report.handlerUnitPath });
}

export async function addRemedy(actor: Actor, id: string, input: { kind: RemedyKind; note: string }, now = new Date()): Promise<void> {
  const report = await caseFor(actor, id);
  if (report.status !== 'SUBSTANTIATED' && report.status !== 'PARTLY_SUBSTANTIATED') throw new Conflict('reports.errors.remedyState');
  await saveCase(report, undefined, { $push: { remedies: { kind: input.kind, note: input.note, at: now, byName: actor.displayName } } });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'remedy', after: { remedy: input.kind, note: input.note }, unitPath: report.handlerUnitPath });
}

/** The apology letter went out: the case may now be resolved. */
export async function markLetterSent(actor: Actor, id: string, sentOn: Date): Promise<void> {
  const report = await caseFor(actor, id);
  if (!report.remedies.some((r) => r.kind === 'APOLOGY')) throw new Conflict('reports.errors.noApology');
  await saveCase(report, undefined, { $set: { letterSentAt: sentOn } });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'letterSent', before: { letterSentAt: report.letterSentAt }, after: { letterSentAt: sentOn }, unitPath: report.handlerUnitPath });
}

// ---------- the person reported about ----------

/** Requests for an explanation addressed to this account, newest first. */
export async function noticesFor(actor: Actor) {
  return ReportNoticeModel.find({ userId: actor.userId }).sort({ at: -1 }).limit(100).lean();
}

/** What the person concerned may see: the allegation and their own explanation — not who filed it. */
export async function subjectView(actor: Actor, id: string, now = new Date()) {
  const report = await loadCase(id);
  if (!isSubject(actor, report) || !report.explanation?.requestedAt) throw new Forbidden();
  return {
    _id: report._id,
    caseNumber: report.caseNumber,
    status: report.status,
    unitName: report.unitName,
    occurredAt: report.occurredAt,
    place: report.place,
    description: report.description,
    criterionCodes: report.criterionCodes,
    codeVersionId: report.codeVersionId,
    explanation: report.explanation,
    open: report.status === 'UNDER_REVIEW' && report.explanation.dueAt != null && vietnamDay(now).getTime() <= report.explanation.dueAt.getTime() && !report.explanation.recordedByUserId,
    // The conclusion once they were told it: the finding and the criteria it confirmed, never the handler's note.
    conclusion: report.conclusion?.notifiedOn
      ? { finding: findingOf(report), confirmedCriterionCodes: report.confirmedCriterionCodes, notifiedOn: report.conclusion.notifiedOn, reviewDueAt: report.conclusion.reviewDueAt }
      : null,
    reviewOpenUntil: reviewOpenUntil(report, now),
    reviewRequests: (report.reviewRequests ?? []).map((r) => ({ receivedOn: r.receivedOn, finding: r.finding, reason: r.reason })),
  };
}

export async function submitExplanation(actor: Actor, id: string, text: string, now = new Date()): Promise<void> {
  const report = await loadCase(id);
  if (!isSubject(actor, report) || !report.explanation?.requestedAt) throw new Forbidden();
  const dueAt = report.explanation.dueAt;
  if (report.status !== 'UNDER_REVIEW' || !dueAt || vietnamDay(now).getTime() > dueAt.getTime()) throw new Conflict('reports.errors.explanationClosed');
  // One the handler recorded from paper (or the refusal) stands: the subject does not write over it.
  if (report.explanation.recordedByUserId) throw new Conflict('reports.errors.explanationIn');
  await updateCase({ _id: report._id }, { $set: { 'explanation.text': text, 'explanation.submittedAt': now, 'explanation.channel': 'ONLINE' }, $inc: { version: 1 } });
  await ReportNoticeModel.updateMany({ reportId: report._id, userId: actor.userId, readAt: null }, { $set: { readAt: now } });
  await explanationNoticesDone(report._id, now);
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'explanation', after: { explanation: text }, unitPath: report.handlerUnitPath });
}
