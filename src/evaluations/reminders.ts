import type { Types } from 'mongoose';
import { compareSortKeys } from '../shared/text.js';
import type { Actor } from '../auth/index.js';
import { record } from '../audit/index.js';
import { accountsOfStaff, accountsWithRoleOn } from '../auth/index.js';
import { Conflict, Forbidden } from '../shared/errors.js';
import { formatDate } from '../shared/dates.js';
import { translator } from '../shared/i18n.js';
import type { Period } from './model.js';
import { EvaluationResultModel } from './record-model.js';
import { ensurePeriodRecords } from './results-store.js';
import { canManagePeriod, findPeriodOr404, isPastDeadline } from './periods.js';
import type { Mailer } from '../notifications/index.js';

export interface OverdueItem {
  id: string;
  staffId: Types.ObjectId;
  staffName: string;
  unitName: string;
  unitPath: Types.ObjectId[];
}

export interface Overdue {
  period: Period;
  selfAssessments: OverdueItem[];
  evaluations: OverdueItem[];
}

/** After the deadline day: who has not submitted a self-assessment, and whose evaluation is not finalised. */
export async function overdueFor(actor: Actor, periodId: string, now = new Date()): Promise<Overdue> {
  const period = await findPeriodOr404(periodId);
  if (!canManagePeriod(actor, period)) throw new Forbidden();
  if (period.status !== 'OPEN' || !isPastDeadline(period, now)) return { period, selfAssessments: [], evaluations: [] };
  // The compact records of the period's unfinished evaluations (equalities only): the whole period, for the e-mails.
  await ensurePeriodRecords(period);
  const pending = await EvaluationResultModel.find({ periodId: period._id, finalised: 0 }).select('staffId staffName sortKey unitName unitPath selfSubmitted').lean();
  pending.sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));
  const item = (e: (typeof pending)[number]): OverdueItem => ({ id: String(e._id), staffId: e.staffId, staffName: e.staffName, unitName: e.unitName ?? '', unitPath: e.unitPath });
  return { period, selfAssessments: pending.filter((e) => !e.selfSubmitted).map(item), evaluations: pending.map(item) };
}

export interface ReminderResult {
  sent: number;
  withoutAddress: number;
  mailConfigured: boolean;
}

/**
 * E-mails each person who has not self-assessed, and each head whose unit has evaluations left, at the
 * address of their user account. Without SMTP settings nothing is sent (the lists remain on the page).
 */
export async function sendReminders(actor: Actor, periodId: string, mailer: Mailer | null, now = new Date()): Promise<ReminderResult> {
  const overdue = await overdueFor(actor, periodId, now);
  const { period } = overdue;
  if (period.status !== 'OPEN') throw new Conflict('evaluations.errors.periodNotOpen');
  if (!mailer) return { sent: 0, withoutAddress: 0, mailConfigured: false };
  let sent = 0;
  let withoutAddress = 0;
  const periodLabel = `${period.periodKey} — ${period.unitName}`;
  const deadline = formatDate(period.deadline);

  const staffUsers = await accountsOfStaff(overdue.selfAssessments.map((e) => e.staffId), { activeOnly: true });
  const reached = new Set(staffUsers.map((u) => String(u.staffId)));
  withoutAddress += overdue.selfAssessments.filter((e) => !reached.has(String(e.staffId))).length;
  for (const u of staffUsers) {
    if (!u.email) {
      withoutAddress++;
      continue;
    }
    const t = translator(u.language === 'en' ? 'en' : 'vi');
    await mailer.send({ to: u.email, subject: t('evaluations.mail.selfSubject', { period: periodLabel }), text: t('evaluations.mail.selfBody', { period: periodLabel, deadline }) });
    sent++;
  }

  // Heads hold a grant on a unit of the person's path; each gets one message listing their people.
  const pathUnits = [...new Map(overdue.evaluations.flatMap((e) => e.unitPath).map((id) => [String(id), id])).values()];
  const heads = await accountsWithRoleOn(pathUnits, { activeOnly: true });
  for (const head of heads) {
    const grants = head.roles.filter((g) => g.role === 'head').map((g) => String(g.unitId));
    const people = overdue.evaluations.filter((e) => e.unitPath.some((id) => grants.includes(String(id))) && !(head.staffId && e.staffId.equals(head.staffId)));
    if (people.length === 0) continue;
    if (!head.email) {
      withoutAddress++;
      continue;
    }
    const t = translator(head.language === 'en' ? 'en' : 'vi');
    const list = people.map((p) => `- ${p.staffName} (${p.unitName})`).join('\n');
    await mailer.send({
      to: head.email,
      subject: t('evaluations.mail.headSubject', { period: periodLabel, count: people.length }),
      text: `${t('evaluations.mail.headBody', { period: periodLabel, deadline })}\n\n${list}\n`,
    });
    sent++;
  }
  await record({ actor, objectType: 'period', objectId: period._id, action: 'remind', before: null, after: { sent, withoutAddress }, unitPath: period.unitPath });
  return { sent, withoutAddress, mailConfigured: true };
}
