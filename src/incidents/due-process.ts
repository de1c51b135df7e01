import type { Types, UpdateQuery } from 'mongoose';
import { accountsOfStaff, type Actor } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { workingDaysFrom } from '../holidays/index.js';
import { createMailer, type Mailer } from '../notifications/index.js';
import { recordsChanged } from '../shared/changes.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { Conflict, Forbidden, ValidationFailed } from '../shared/errors.js';
import { isLanguage, translator } from '../shared/i18n.js';
import { logger } from '../shared/logger.js';
import { unitsSnapshot } from '../units/index.js';
import { updateCase } from './case-writes.js';
import { countCase } from './counters.js';
import { leadersOf } from './deadlines.js';
import { FINAL_STATUSES, FINDINGS, ReportNoticeModel, statisticsYearsOf, type IncidentReport, type ReportStatus } from './model.js';
import { AUDIT_TYPE, caseFor, isSubject, loadCase } from './service.js';
import type { ReportSettings } from './settings.js';
import { tellReporterOfChange } from './reporter-mail.js';

/**
 * Due process for the person a case is about (giải trình, then being told the finding and asking for its review), the
 * same whether they have a login or not: what they cannot do here themselves, the handler records from paper.
 */

/** Where a review request sends the case: back to review, for a new finding. */
const REVIEWED_TO: ReportStatus = 'UNDER_REVIEW';

/** The explanation's deadline while it is still awaited (the finding must wait for it), else null. */
export function explanationAwaitedUntil(report: Pick<IncidentReport, 'explanation'>, now: Date): Date | null {
  const e = report.explanation;
  if (!e?.requestedAt || e.submittedAt || !e.dueAt) return null;
  return vietnamDay(now).getTime() <= e.dueAt.getTime() ? e.dueAt : null;
}

/** Refuses a finding while the subject may still explain and no explanation (or refusal) is recorded. */
export function assertMayConclude(report: Pick<IncidentReport, 'explanation'>, now: Date): void {
  const until = explanationAwaitedUntil(report, now);
  if (until) throw new Conflict('reports.errors.awaitingExplanation', { date: formatDate(until) });
}

/** A finding was made and the case has a subject: whether the conclusion still has to be handed over by the handler. */
export const conclusionPending = (report: Pick<IncidentReport, 'staffId' | 'finding' | 'conclusion' | 'status'>) =>
  report.staffId != null && report.finding?.at != null && !report.conclusion?.notifiedOn && (FINDINGS.includes(report.status as ReportStatus) || FINAL_STATUSES.includes(report.status as ReportStatus));

/** The last day the subject may ask for a review, while that window is open. */
export function reviewOpenUntil(report: Pick<IncidentReport, 'conclusion' | 'status'>, now: Date): Date | null {
  const due = report.conclusion?.reviewDueAt;
  if (!due || report.status === REVIEWED_TO || report.status === 'RECEIVED') return null;
  return vietnamDay(now).getTime() <= due.getTime() ? due : null;
}

/** One write guarded by the version read (a stale form gets 409), then the records the dashboards read are renewed. */
async function save(report: IncidentReport, version: number | undefined, update: UpdateQuery<IncidentReport>): Promise<void> {
  if (version != null && version !== report.version) throw new Conflict();
  const written = await updateCase({ _id: report._id, version: report.version }, { ...update, $inc: { ...((update.$inc as Record<string, number>) ?? {}), version: 1 } });
  if (written.matchedCount === 0) throw new Conflict();
  await recordsChanged(report.unitPath, ...statisticsYearsOf(report));
}

function assertNotFuture(day: Date, now: Date, field: string): void {
  if (day.getTime() > vietnamDay(now).getTime()) throw new ValidationFailed({ [field]: 'reports.errors.futureDate' });
}

/**
 * The explanation is in (written by the subject, or recorded by the handler): the requests for it are read, and the
 * reminders before its deadline are removed from everyone's notices — their step is done.
 */
export async function explanationNoticesDone(reportId: Types.ObjectId, now: Date): Promise<void> {
  await ReportNoticeModel.updateMany({ reportId, kind: 'EXPLANATION_REQUESTED', readAt: null }, { $set: { readAt: now } });
  await ReportNoticeModel.deleteMany({ reportId, kind: 'EXPLANATION_DUE_SOON' });
}

// ---------- the explanation recorded by the handler ----------

export interface RecordedExplanation {
  channel: 'PAPER' | 'IN_PERSON' | 'DECLINED';
  receivedOn: Date;
  text?: string;
  version?: number;
}

/**
 * An explanation received on paper or in person, or the subject's refusal to explain, recorded by the handler (the
 * subject may have no login). Only while the case is under review and before any explanation is in.
 */
export async function recordExplanation(actor: Actor, id: string, input: RecordedExplanation, now = new Date()): Promise<void> {
  const report = await caseFor(actor, id);
  if (!report.staffId || !report.explanation?.requestedAt) throw new Conflict('reports.errors.explanationNotAsked');
  if (report.status !== 'UNDER_REVIEW') throw new Conflict('reports.errors.explanationClosed');
  if (report.explanation.submittedAt) throw new Conflict('reports.errors.explanationIn');
  const text = input.text?.trim() ?? '';
  const errors: Record<string, string> = {};
  if (input.channel !== 'DECLINED' && !text) errors.text = 'reports.errors.explanationText';
  if (input.receivedOn.getTime() > vietnamDay(now).getTime()) errors.receivedOn = 'reports.errors.futureDate';
  else if (input.receivedOn.getTime() < vietnamDay(report.explanation.requestedAt).getTime()) errors.receivedOn = 'reports.errors.beforeRequest';
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  const fields = {
    'explanation.text': text,
    'explanation.submittedAt': now,
    'explanation.channel': input.channel,
    'explanation.receivedOn': input.receivedOn,
    'explanation.recordedByUserId': actor.userId,
    'explanation.recordedByName': actor.displayName,
  };
  await save(report, input.version, { $set: fields });
  await explanationNoticesDone(report._id, now);
  await audit.record({
    actor,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'explanationRecorded',
    after: { channel: input.channel, receivedOn: input.receivedOn, explanation: text },
    unitPath: report.handlerUnitPath,
  });
}

// ---------- telling the subject the conclusion ----------

/**
 * After a finding on a case about a person: one with an active login is told at once, in-app (and by e-mail when SMTP
 * is set), which opens the review window; for one without, the handler records the handing-over later. The notice
 * carries the case number and the finding only — never who reported.
 */
export async function tellSubjectOfFinding(report: IncidentReport, finding: ReportStatus, settings: ReportSettings, now: Date, deps: { mailer?: Mailer | null } = {}): Promise<void> {
  if (!report.staffId) return;
  const accounts = await accountsOfStaff(report.staffId, { activeOnly: true });
  const clear = { 'conclusion.notifiedOn': null, 'conclusion.channel': '', 'conclusion.recordedByName': '', 'conclusion.reviewDueAt': null };
  if (!accounts.length) {
    await updateCase({ _id: report._id }, { $set: clear, $inc: { version: 1 } });
    return;
  }
  const today = vietnamDay(now);
  const reviewDueAt = await workingDaysFrom(today, settings.REVIEW_REQUEST_DAYS);
  await updateCase({ _id: report._id }, { $set: { 'conclusion.notifiedOn': today, 'conclusion.channel': 'IN_APP', 'conclusion.recordedByName': '', 'conclusion.reviewDueAt': reviewDueAt }, $inc: { version: 1 } });
  await ReportNoticeModel.insertMany(accounts.map((u) => ({ userId: u._id, reportId: report._id, kind: 'CONCLUSION', at: now, dueAt: reviewDueAt })));
  const mailer = deps.mailer === undefined ? createMailer(settings) : deps.mailer;
  if (!mailer) return;
  for (const u of accounts) {
    if (!u.email) continue;
    const t = translator(isLanguage(u.language) ? u.language : 'vi');
    const vars = { number: report.caseNumber, finding: t(`reports.statuses.${finding}`), date: formatDate(reviewDueAt) };
    try {
      await mailer.send({ to: u.email, subject: t('reports.mail.conclusionSubject', vars), text: t('reports.mail.conclusionText', vars) });
    } catch (err) {
      logger.warn({ err, caseNumber: report.caseNumber }, 'conclusion e-mail failed');
    }
  }
}

export interface HandOver {
  channel: 'PAPER' | 'IN_PERSON';
  notifiedOn: Date;
  version?: number;
}

/** The handler records the day and the way the conclusion was handed to a subject not told in-app; the review window opens. */
export async function recordHandOver(actor: Actor, id: string, input: HandOver, settings: ReportSettings, now = new Date()): Promise<void> {
  const report = await caseFor(actor, id);
  if (!conclusionPending(report)) throw new Conflict('reports.errors.conclusionNotPending');
  assertNotFuture(input.notifiedOn, now, 'notifiedOn');
  if (input.notifiedOn.getTime() < vietnamDay(report.finding!.at!).getTime()) throw new ValidationFailed({ notifiedOn: 'reports.errors.beforeFinding' });
  const reviewDueAt = await workingDaysFrom(input.notifiedOn, settings.REVIEW_REQUEST_DAYS);
  await save(report, input.version, {
    $set: { 'conclusion.notifiedOn': input.notifiedOn, 'conclusion.channel': input.channel, 'conclusion.recordedByName': actor.displayName, 'conclusion.reviewDueAt': reviewDueAt },
  });
  await audit.record({
    actor,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'conclusionHandedOver',
    after: { channel: input.channel, notifiedOn: input.notifiedOn, reviewDueAt },
    unitPath: report.handlerUnitPath,
  });
}

// ---------- asking for a review ----------

async function reopenForReview(
  report: IncidentReport,
  request: { receivedOn: Date; reason: string; bySubject: boolean; byName: string; byUserId: unknown },
  settings: ReportSettings,
  now: Date,
  version?: number,
  deps: { mailer?: Mailer | null } = {},
): Promise<Date> {
  const dueAt = await workingDaysFrom(vietnamDay(now), settings.REPORT_DAYS_REVIEW);
  await save(report, version, {
    $set: {
      status: REVIEWED_TO,
      stageStartedAt: now,
      dueAt,
      overdue: 0,
      closedAt: null,
      outcome: null,
      'conclusion.notifiedOn': null,
      'conclusion.channel': '',
      'conclusion.recordedByName': '',
      'conclusion.reviewDueAt': null,
    },
    $push: {
      reviewRequests: { at: now, receivedOn: request.receivedOn, finding: findingOf(report), reason: request.reason, bySubject: request.bySubject, recordedByName: request.bySubject ? '' : request.byName },
      history: { from: report.status, to: REVIEWED_TO, at: now, byUserId: request.byUserId, byName: request.byName, note: request.reason, late: false },
    },
  });
  await countCase(report, { ...report, status: REVIEWED_TO });
  await tellReporterOfChange(report, 'REOPENED', settings, deps);
  return dueAt;
}

/** The finding a settled case carries (its status while the finding stands, else the last finding in its history). */
export function findingOf(report: Pick<IncidentReport, 'status' | 'history' | 'substantiated'>): ReportStatus {
  if (FINDINGS.includes(report.status as ReportStatus)) return report.status as ReportStatus;
  const last = [...report.history].reverse().find((h) => FINDINGS.includes(h.to as ReportStatus));
  return (last?.to as ReportStatus | undefined) ?? (report.substantiated ? 'SUBSTANTIATED' : 'NOT_SUBSTANTIATED');
}

function assertReviewable(report: IncidentReport, day: Date): void {
  const due = report.conclusion?.reviewDueAt;
  if (!due || report.status === REVIEWED_TO) throw new Conflict('reports.errors.reviewNotOpen');
  if (day.getTime() > due.getTime()) throw new Conflict('reports.errors.reviewWindowPassed', { date: formatDate(due) });
}

/** The heads of the handling unit (never the subject) find the request among their notices. */
async function tellHandlers(report: IncidentReport, now: Date, dueAt: Date): Promise<void> {
  const unit = (await unitsSnapshot()).byId(report.handlerUnitId) ?? null;
  const heads = await leadersOf(unit, report.excludedUserIds, new Map());
  if (heads.length) await ReportNoticeModel.insertMany(heads.map((u) => ({ userId: u._id, reportId: report._id, kind: 'REVIEW_REQUESTED', at: now, dueAt })));
}

/** The subject asks, from their own page, for a review of the finding they were told; the case goes back to review. */
export async function requestReview(actor: Actor, id: string, reason: string, settings: ReportSettings, now = new Date(), deps: { mailer?: Mailer | null } = {}): Promise<void> {
  const report = await loadCase(id);
  if (!isSubject(actor, report) || !report.explanation?.requestedAt) throw new Forbidden();
  assertReviewable(report, vietnamDay(now));
  const dueAt = await reopenForReview(report, { receivedOn: vietnamDay(now), reason, bySubject: true, byName: actor.displayName, byUserId: actor.userId }, settings, now, undefined, deps);
  await ReportNoticeModel.updateMany({ reportId: report._id, userId: actor.userId, kind: 'CONCLUSION', readAt: null }, { $set: { readAt: now } });
  await tellHandlers(report, now, dueAt);
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'reviewRequested', before: { status: report.status }, after: { status: REVIEWED_TO, reason, dueAt }, unitPath: report.handlerUnitPath });
}

/** A review request received on paper, recorded by the handler for the subject; judged by the day it was received. */
export async function recordReviewRequest(actor: Actor, id: string, input: { receivedOn: Date; reason: string; version?: number }, settings: ReportSettings, now = new Date(), deps: { mailer?: Mailer | null } = {}): Promise<void> {
  const report = await caseFor(actor, id);
  assertNotFuture(input.receivedOn, now, 'requestReceivedOn');
  assertReviewable(report, input.receivedOn);
  const dueAt = await reopenForReview(report, { receivedOn: input.receivedOn, reason: input.reason, bySubject: false, byName: actor.displayName, byUserId: actor.userId }, settings, now, input.version, deps);
  await audit.record({
    actor,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'reviewRequestRecorded',
    before: { status: report.status },
    after: { status: REVIEWED_TO, receivedOn: input.receivedOn, reason: input.reason, dueAt },
    unitPath: report.handlerUnitPath,
  });
}
