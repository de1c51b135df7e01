import { updateCase } from './case-writes.js';
import type { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import { accountsWithRoleOn } from '../auth/index.js';
import { createMailer, type Mailer } from '../notifications/index.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { logger } from '../shared/logger.js';
import { unitsSnapshot, type UnitInfo } from '../units/index.js';
import { OPEN_STATUSES } from './counters.js';
import { FINAL_STATUSES, IncidentReportModel, ReportNoticeModel, type IncidentReport, type ReportStatus } from './model.js';
import { AUDIT_TYPE } from './service.js';
import { defaultReportSettings, type ReportSettings } from './settings.js';

const ESCALATION_FIELDS = 'caseNumber status receivedAt dueAt overdue handlerUnitId handlerUnitPath escalatedToUnitId escalationLevel excludedUserIds unitName';

export interface EscalationResult {
  escalated: { reportId: Types.ObjectId; caseNumber: string; toUnitId: Types.ObjectId | null }[];
  mailed: number;
}

/**
 * The periodic job: every open case whose stage deadline has passed is flagged overdue, escalated one
 * level above whoever watches it now, noticed in-app to that level's heads, and e-mailed when SMTP is
 * configured. A case is escalated once per stage (the flag clears on the next transition or extension).
 */
export async function escalateOverdue(now = new Date(), deps: { settings?: ReportSettings; mailer?: Mailer | null } = {}): Promise<EscalationResult> {
  const settings = deps.settings ?? defaultReportSettings();
  const mailer = deps.mailer === undefined ? createMailer(settings) : deps.mailer;
  const today = vietnamDay(now);
  // The open cases only (one equality look-up per open status, not flagged yet): the working set, not the history.
  const open = await Promise.all(OPEN_STATUSES.map((status) => IncidentReportModel.find({ status, overdue: 0 }).select(ESCALATION_FIELDS).lean<IncidentReport[]>()));
  const due = open
    .flat()
    .filter((r) => r.dueAt != null && r.dueAt.getTime() < today.getTime() && !FINAL_STATUSES.includes(r.status as ReportStatus))
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  const result: EscalationResult = { escalated: [], mailed: 0 };
  const units = await unitsSnapshot();
  const leaderCache = new Map<string, Promise<Leader[]>>();
  for (const report of due) {
    const watching = report.escalatedToUnitId ?? report.handlerUnitId;
    const current = units.byId(watching);
    const target = current?.parentId ? (units.byId(current.parentId) ?? null) : null;
    const set: Record<string, unknown> = { overdue: 1, wasLate: 1 };
    if (target) Object.assign(set, { escalatedToUnitId: target._id, escalationLevel: report.escalationLevel + 1 });
    // Guarded by overdue: 0 so two runs at once escalate a case only once.
    const write = await updateCase({ _id: report._id, overdue: 0 }, { $set: set, $inc: { version: 1 } });
    if (write.modifiedCount === 0) continue;
    await audit.record({
      actor: null,
      objectType: AUDIT_TYPE,
      objectId: report._id,
      action: 'escalate',
      before: { overdue: 0, escalatedToUnitId: report.escalatedToUnitId ?? null },
      after: { overdue: 1, escalatedToUnitId: target?._id ?? report.escalatedToUnitId ?? null },
      unitPath: report.handlerUnitPath,
    });
    const recipients = await leadersOf(target ?? current ?? null, report.excludedUserIds, leaderCache);
    if (recipients.length) await ReportNoticeModel.insertMany(recipients.map((u) => ({ userId: u._id, reportId: report._id, kind: 'CASE_ESCALATED', at: now, dueAt: report.dueAt })));
    if (mailer) result.mailed += await mailLeaders(mailer, recipients, report);
    result.escalated.push({ reportId: report._id, caseNumber: report.caseNumber, toUnitId: target?._id ?? null });
  }
  return result;
}

/** The active accounts holding a head or admin grant on the unit itself (not the subject of the case). */
type Leader = { _id: Types.ObjectId; email?: string | null; displayName: string; roles: { role: string; unitId: Types.ObjectId }[] };

export async function leadersOf(unit: Pick<UnitInfo, '_id'> | null, excluded: readonly Types.ObjectId[], cache: Map<string, Promise<Leader[]>>) {
  if (!unit) return [];
  // No $elemMatch on FerretDB v1: match the unit, then check the role of that very grant here. (A dotted path is not
  // pushed down either: the accounts are read once per unit and run.)
  let found = cache.get(String(unit._id));
  if (!found) cache.set(String(unit._id), (found = accountsWithRoleOn([unit._id], { activeOnly: true })));
  const users = await found;
  return users.filter(
    (u) => u.roles.some((g) => String(g.unitId) === String(unit._id) && (g.role === 'head' || g.role === 'admin')) && !excluded.some((id) => String(id) === String(u._id)),
  );
}

async function mailLeaders(mailer: Mailer, users: { email?: string | null; displayName: string }[], report: IncidentReport): Promise<number> {
  let sent = 0;
  for (const u of users) {
    if (!u.email) continue;
    try {
      await mailer.send({
        to: u.email,
        subject: `[Công Bộc] Phản ánh ${report.caseNumber} quá hạn xử lý`,
        text: `Phản ánh ${report.caseNumber} về ${report.unitName} đã quá hạn xử lý (hạn ${formatDate(report.dueAt)}) và được chuyển lên cấp trên theo dõi.\n\nVui lòng đăng nhập Công Bộc để xem và xử lý.`,
      });
      sent++;
    } catch (err) {
      logger.warn({ err, caseNumber: report.caseNumber }, 'overdue report e-mail failed');
    }
  }
  return sent;
}

/** Runs escalateOverdue on a timer (hourly by default); returns the function that stops it. */
export function startEscalationJob(settings: ReportSettings, everyMs = 60 * 60_000): () => void {
  const run = () => void escalateOverdue(new Date(), { settings }).catch((err: unknown) => logger.error({ err }, 'report escalation failed'));
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
