import type { Types } from 'mongoose';
import { accountsOfStaff, accountsWithRoleOn, type Account } from '../auth/index.js';
import { workingDaysFrom } from '../holidays/index.js';
import { claimOnce, createMailer, withLease, type Mailer, type MailSettings } from '../notifications/index.js';
import { formatDate, isoDate, vietnamDay } from '../shared/dates.js';
import { isLanguage, translator } from '../shared/i18n.js';
import { logger } from '../shared/logger.js';
import { repeatEvery } from '../shared/schedule.js';
import { compareSortKeys } from '../shared/text.js';
import { PeriodModel, type Period } from './model.js';
import { EvaluationResultModel } from './record-model.js';
import { ensurePeriodRecords } from './results-store.js';

/**
 * Reminders before an open period's deadline (`deadline`: the one day by which both the self-assessment and the head's
 * evaluation are due), sent by the hourly job under a lease: `REMINDER_DAYS_BEFORE` working days before it (holidays
 * skipped, as for the case reminders), each person with a login who has not submitted their self-assessment gets one
 * e-mail, and each head one digest of the people of their unit not yet finalised. Once per person, period, deadline and
 * kind (the sent-once ledger); nothing after the deadline (the manual overdue reminder, reminders.ts, takes over).
 *
 * Cost: the open periods (an equality on `status`), then for a period whose deadline is near only its unfinished
 * result records (equalities on `periodId` and `finalised`) — never the evaluations collection as a whole.
 */

export type EvaluationReminderSettings = MailSettings & { REMINDER_DAYS_BEFORE: number };

export interface EvaluationReminderResult {
  selfAssessment: number;
  heads: number;
  mailed: number;
}

interface Pending {
  staffId: Types.ObjectId;
  staffName: string;
  unitName: string;
  unitPath: Types.ObjectId[];
  sortKey: string;
  selfSubmitted: number;
}

const label = (p: Pick<Period, 'periodKey' | 'unitName'>) => `${p.periodKey} — ${p.unitName}`;

export async function remindEvaluationDeadlines(now = new Date(), deps: { settings: EvaluationReminderSettings; mailer?: Mailer | null }): Promise<EvaluationReminderResult> {
  const result: EvaluationReminderResult = { selfAssessment: 0, heads: 0, mailed: 0 };
  const mailer = deps.mailer === undefined ? createMailer(deps.settings) : deps.mailer;
  // Nothing to send without a mail server: the pages list what is pending, and nothing is marked sent.
  if (!mailer) return result;
  const today = vietnamDay(now);
  const horizon = await workingDaysFrom(today, deps.settings.REMINDER_DAYS_BEFORE);
  const open = await PeriodModel.find({ status: 'OPEN' }).select('periodKey unitName deadline copies').lean<Period[]>();
  const near = open.filter((p) => p.deadline.getTime() >= today.getTime() && p.deadline.getTime() <= horizon.getTime());
  for (const period of near) {
    await ensurePeriodRecords(period);
    const pending = await EvaluationResultModel.find({ periodId: period._id, finalised: 0 }).select('staffId staffName unitName unitPath sortKey selfSubmitted').lean<Pending[]>();
    pending.sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));
    const base = `${String(period._id)}:${isoDate(period.deadline)}`;

    // The people themselves: those with an active login and an address, who have not submitted.
    const late = pending.filter((e) => !e.selfSubmitted);
    const accounts = late.length ? await accountsOfStaff(late.map((e) => e.staffId), { activeOnly: true }) : [];
    for (const u of accounts) {
      if (!u.email || !(await claimOnce(`evaluation-self:${base}:${String(u._id)}`, now))) continue;
      result.selfAssessment++;
      const t = translator(isLanguage(u.language) ? u.language : 'vi');
      const vars = { period: label(period), deadline: formatDate(period.deadline) };
      if (await send(mailer, { to: u.email, subject: t('evaluations.mail.selfDueSoonSubject', vars), text: t('evaluations.mail.selfDueSoonBody', vars) }, period)) result.mailed++;
    }

    // The heads: one digest each, of the people whose nearest head they are (a head's own evaluation goes to the next).
    for (const [head, people] of await digests(pending)) {
      if (!head.email || !(await claimOnce(`evaluation-head:${base}:${String(head._id)}`, now))) continue;
      result.heads++;
      const t = translator(isLanguage(head.language) ? head.language : 'vi');
      const vars = { period: label(period), deadline: formatDate(period.deadline), count: people.length };
      const list = people.map((p) => `- ${p.staffName}${p.unitName ? ` (${p.unitName})` : ''}${p.selfSubmitted ? '' : ` — ${t('evaluations.mail.notSelfAssessed')}`}`).join('\n');
      if (await send(mailer, { to: head.email, subject: t('evaluations.mail.headDueSoonSubject', vars), text: `${t('evaluations.mail.headDueSoonBody', vars)}\n\n${list}\n` }, period)) result.mailed++;
    }
  }
  if (result.selfAssessment || result.heads) logger.info({ reminders: result }, 'evaluation deadline reminders sent');
  return result;
}

/** For each unfinished evaluation, the heads of the deepest unit on its path that has a head other than the person. */
async function digests(pending: readonly Pending[]): Promise<Map<Account, Pending[]>> {
  const pathUnits = [...new Map(pending.flatMap((e) => e.unitPath).map((id) => [String(id), id])).values()];
  const heads = pathUnits.length ? await accountsWithRoleOn(pathUnits, { activeOnly: true }) : [];
  const headsOn = new Map<string, Account[]>();
  for (const h of heads) for (const g of h.roles) if (g.role === 'head') headsOn.set(String(g.unitId), [...(headsOn.get(String(g.unitId)) ?? []), h]);
  const out = new Map<Account, Pending[]>();
  for (const e of pending) {
    for (const unitId of [...e.unitPath].reverse()) {
      const here = (headsOn.get(String(unitId)) ?? []).filter((h) => !(h.staffId && e.staffId.equals(h.staffId)));
      if (!here.length) continue;
      for (const h of here) out.set(h, [...(out.get(h) ?? []), e]);
      break;
    }
  }
  return out;
}

async function send(mailer: Mailer, mail: { to: string; subject: string; text: string }, period: Pick<Period, 'periodKey'>): Promise<boolean> {
  try {
    await mailer.send(mail);
    return true;
  } catch (err) {
    // The period only: never an address or a name.
    logger.warn({ err, periodKey: period.periodKey }, 'evaluation reminder e-mail failed');
    return false;
  }
}

/** The hourly schedule, under a lease so that only one app process sends; returns the function that stops it. */
export function startEvaluationReminderJob(settings: EvaluationReminderSettings, everyMs = 60 * 60_000, firstAfterMs = 120_000): () => void {
  const tick = () =>
    void withLease('evaluation-reminders', () => remindEvaluationDeadlines(new Date(), { settings })).catch((err: unknown) => logger.error({ err }, 'evaluation deadline reminders failed'));
  return repeatEvery(tick, everyMs, firstAfterMs);
}
