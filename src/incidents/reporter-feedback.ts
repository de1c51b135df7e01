import type { UpdateQuery } from 'mongoose';
import * as audit from '../audit/index.js';
import { workingDaysFrom } from '../holidays/index.js';
import { recordsChanged } from '../shared/changes.js';
import { vietnamDay } from '../shared/dates.js';
import { Conflict } from '../shared/errors.js';
import { unitsSnapshot } from '../units/index.js';
import { updateCase } from './case-writes.js';
import { countCase } from './counters.js';
import { leadersOf } from './deadlines.js';
import { stageDays } from './handling.js';
import { ReportNoticeModel, statisticsYearsOf, type FeedbackLevel, type IncidentReport, type ReportStatus } from './model.js';
import { answerToSettlement, isSettled, reporterCase, settledAt, type ReporterAccess } from './reporter-case.js';
import { AUDIT_TYPE } from './service.js';
import type { ReportSettings } from './settings.js';
import type { Mailer } from '../notifications/index.js';
import { tellReporterOfChange } from './reporter-mail.js';

/**
 * Where a case sent back by its reporter goes: review again, so that the handler makes a new finding (and remedies)
 * rather than only re-stamping the old settlement.
 */
export const REOPENED_TO: ReportStatus = 'UNDER_REVIEW';

/** How often a write is tried again when something else (a reply, a note) changed the case in between. */
const ATTEMPTS = 5;

/**
 * One answer per settlement: the answer is written only if the case is still as read (its version), so of two
 * answers sent at once one wins and the other finds the answer there and gets 409.
 */
async function answerOnce(access: ReporterAccess, settings: ReportSettings, now: Date, change: (report: IncidentReport) => Promise<UpdateQuery<IncidentReport>>) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const report = await reporterCase(access, settings, now);
    if (!isSettled(report)) throw new Conflict('reports.caseView.notSettled');
    if (answerToSettlement(report)) throw new Conflict('reports.caseView.alreadyAnswered');
    const update = await change(report);
    const written = await updateCase({ _id: report._id, version: report.version }, { ...update, $inc: { version: 1 } });
    if (written.matchedCount === 1) return report;
  }
  throw new Conflict();
}

/** "Bạn có hài lòng với kết quả xử lý?": the level and an optional comment. */
export async function answerQuestionnaire(access: ReporterAccess, input: { level: FeedbackLevel; comment?: string }, settings: ReportSettings, now = new Date()): Promise<void> {
  const report = await answerOnce(access, settings, now, async (r) => ({ $push: { feedback: { at: now, closedAt: settledAt(r), answer: input.level, comment: input.comment ?? '' } } }));
  await recordsChanged(report.unitPath, ...statisticsYearsOf(report));
  // Never the reporter, nor their words (a comment may name them): Luật Tố cáo Art. 9.
  await audit.record({ actor: null, objectType: AUDIT_TYPE, objectId: report._id, action: 'reporterFeedback', after: { answer: input.level }, unitPath: report.handlerUnitPath });
}

/** "Chưa được giải quyết": the case goes back to its handler for review, with the reason as the reporter's message. */
export async function reopenByReporter(access: ReporterAccess, reason: string, settings: ReportSettings, now = new Date(), deps: { mailer?: Mailer | null } = {}): Promise<void> {
  let dueAt: Date | null = null;
  const report = await answerOnce(access, settings, now, async (r) => {
    dueAt = await workingDaysFrom(vietnamDay(now), stageDays(REOPENED_TO, settings)!);
    return {
      $set: { status: REOPENED_TO, stageStartedAt: now, dueAt, overdue: 0, closedAt: null, outcome: null },
      $push: {
        feedback: { at: now, closedAt: settledAt(r), answer: 'NOT_RESOLVED', comment: '' },
        history: { from: r.status, to: REOPENED_TO, at: now, byUserId: null, byName: '', note: '', late: false, byReporter: true },
        messages: { at: now, author: 'REPORTER', byName: '', text: reason },
      },
    };
  });
  await countCase(report, { ...report, status: REOPENED_TO });
  await recordsChanged(report.unitPath, ...statisticsYearsOf(report));
  await tellHandlers(report, now, dueAt);
  await audit.record({
    actor: null,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'reporterReopened',
    before: { status: report.status },
    after: { status: REOPENED_TO, dueAt },
    unitPath: report.handlerUnitPath,
  });
  // Also when they reopened it themselves: whoever holds a tracking code can, and the mailbox's owner should know.
  await tellReporterOfChange(report, 'REOPENED', settings, deps);
}

/** The handling unit's heads (never the person concerned) find the reopened case among their notices. */
async function tellHandlers(report: IncidentReport, now: Date, dueAt: Date | null): Promise<void> {
  const unit = (await unitsSnapshot()).byId(report.handlerUnitId) ?? null;
  const heads = await leadersOf(unit, report.excludedUserIds, new Map());
  if (heads.length) await ReportNoticeModel.insertMany(heads.map((u) => ({ userId: u._id, reportId: report._id, kind: 'CASE_REOPENED', at: now, dueAt })));
}
