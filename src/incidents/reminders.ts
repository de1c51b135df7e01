import { repeatEvery } from '../shared/schedule.js';
import type { Types } from 'mongoose';
import { accountsOfStaff } from '../auth/index.js';
import { workingDaysFrom } from '../holidays/index.js';
import { claimOnce, createMailer, withLease, type Mailer } from '../notifications/index.js';
import { formatDate, isoDate, vietnamDay } from '../shared/dates.js';
import { isLanguage, translator } from '../shared/i18n.js';
import { logger } from '../shared/logger.js';
import { unitsSnapshot } from '../units/index.js';
import { OPEN_STATUSES } from './counters.js';
import { leadersOf } from './deadlines.js';
import { FINAL_STATUSES, IncidentReportModel, ReportNoticeModel, type IncidentReport, type ReportStatus } from './model.js';
import { defaultReportSettings, type ReportSettings } from './settings.js';

/**
 * Reminders before a case's deadlines, to whoever has the next step: the heads of the handling unit before the
 * stage's handling deadline, and the subject (with a login) before the explanation deadline. Each is sent once per
 * person, case, stage and deadline (the ledger in notifications), so a restart or a second run does not resend it,
 * and a finished step is not reminded. The texts carry the case number and the date only — never who reported.
 */

const FIELDS = 'caseNumber status dueAt handlerUnitId excludedUserIds staffId explanation';

export type ReminderSettings = ReportSettings & { REMINDER_DAYS_BEFORE: number };

export interface CaseReminderResult {
  handler: number;
  explanation: number;
  mailed: number;
}

type Recipient = { _id: Types.ObjectId; email?: string | null; language?: string | null };

export async function remindCaseDeadlines(now = new Date(), deps: { settings?: ReminderSettings; mailer?: Mailer | null } = {}): Promise<CaseReminderResult> {
  const settings = deps.settings ?? { ...defaultReportSettings(), REMINDER_DAYS_BEFORE: 2 };
  const mailer = deps.mailer === undefined ? createMailer(settings) : deps.mailer;
  const today = vietnamDay(now);
  // A deadline on or before this day is near: the configured number of working days ahead (holidays skipped).
  const horizon = await workingDaysFrom(today, settings.REMINDER_DAYS_BEFORE);
  const near = (d: Date | null | undefined): d is Date => d != null && d.getTime() >= today.getTime() && d.getTime() <= horizon.getTime();
  const open = (await Promise.all(OPEN_STATUSES.map((status) => IncidentReportModel.find({ status }).select(FIELDS).lean<IncidentReport[]>())))
    .flat()
    .filter((r) => !FINAL_STATUSES.includes(r.status as ReportStatus));
  const result: CaseReminderResult = { handler: 0, explanation: 0, mailed: 0 };
  const units = await unitsSnapshot();
  const cache = new Map();

  for (const report of open) {
    if (near(report.dueAt)) {
      const heads = await leadersOf(units.byId(report.handlerUnitId) ?? null, report.excludedUserIds, cache);
      const key = `case-due:${String(report._id)}:${report.status}:${isoDate(report.dueAt)}`;
      const sent = await remind(heads, key, report, 'CASE_DUE_SOON', report.dueAt, 'reports.mail.dueSoon', now, mailer);
      result.handler += sent.people;
      result.mailed += sent.mailed;
    }
    const e = report.explanation;
    if (report.staffId && e?.requestedAt && !e.submittedAt && near(e.dueAt)) {
      const subjects = await accountsOfStaff(report.staffId, { activeOnly: true });
      const key = `explanation-due:${String(report._id)}:${isoDate(e.dueAt)}`;
      const sent = await remind(subjects, key, report, 'EXPLANATION_DUE_SOON', e.dueAt, 'reports.mail.explanationDueSoon', now, mailer);
      result.explanation += sent.people;
      result.mailed += sent.mailed;
    }
  }
  if (result.handler || result.explanation) logger.info({ reminders: result }, 'case deadline reminders sent');
  return result;
}

async function remind(
  people: Recipient[],
  key: string,
  report: IncidentReport,
  kind: 'CASE_DUE_SOON' | 'EXPLANATION_DUE_SOON',
  dueAt: Date,
  text: string,
  now: Date,
  mailer: Mailer | null,
): Promise<{ people: number; mailed: number }> {
  let count = 0;
  let mailed = 0;
  for (const u of people) {
    if (!(await claimOnce(`${key}:${String(u._id)}`, now))) continue;
    count++;
    await ReportNoticeModel.create({ userId: u._id, reportId: report._id, kind, at: now, dueAt });
    if (!mailer || !u.email) continue;
    const t = translator(isLanguage(u.language) ? u.language : 'vi');
    const vars = { number: report.caseNumber, date: formatDate(dueAt) };
    try {
      await mailer.send({ to: u.email, subject: t(`${text}Subject`, vars), text: t(`${text}Text`, vars) });
      mailed++;
    } catch (err) {
      // The case number only: never an address or a name.
      logger.warn({ err, caseNumber: report.caseNumber }, 'deadline reminder e-mail failed');
    }
  }
  return { people: count, mailed };
}

/** The hourly schedule, under a lease so that only one app process sends; returns the function that stops it. */
export function startCaseReminderJob(settings: ReminderSettings, everyMs = 60 * 60_000, firstAfterMs = 90_000): () => void {
  const tick = () =>
    void withLease('case-reminders', () => remindCaseDeadlines(new Date(), { settings })).catch((err: unknown) => logger.error({ err }, 'case deadline reminders failed'));
  return repeatEvery(tick, everyMs, firstAfterMs);
}
