import * as audit from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { recordsChanged } from '../shared/changes.js';
import { Conflict, ValidationFailed } from '../shared/errors.js';
import { updateCase } from './case-writes.js';
import { countCase } from './counters.js';
import { FINAL_STATUSES, IncidentReportModel, statisticsYearsOf, type IncidentReport, type ReportStatus } from './model.js';
import { AUDIT_TYPE, canHandle, caseFor } from './service.js';
import type { Mailer } from '../notifications/index.js';
import { tellReporterOfChange, type ReporterMailSettings } from './reporter-mail.js';

export interface DuplicateInput {
  caseNumber: string;
  version?: number;
}

/**
 * Marks a case as a duplicate of another of the same handling unit, named by its number: the duplicate is closed as
 * such (its reporter reads that it was joined to another case, nothing of that case's reporter), both cases show the
 * link, and the statistics count the matter once.
 */
export async function markDuplicate(actor: Actor, id: string, input: DuplicateInput, settings: ReporterMailSettings | null = null, now = new Date(), deps: { mailer?: Mailer | null } = {}): Promise<void> {
  const report = await caseFor(actor, id);
  if (input.version != null && input.version !== report.version) throw new Conflict();
  const number = input.caseNumber.trim().toUpperCase();
  const original = await IncidentReportModel.findOne({ caseNumber: number }).lean<IncidentReport>();
  // A case of another unit, or one this handler may not see, is "not found" alike: nothing about it is revealed.
  if (!original || !canHandle(actor, original) || String(original.handlerUnitId) !== String(report.handlerUnitId)) {
    throw new ValidationFailed({ caseNumber: 'duplicates.errors.notFound' });
  }
  if (String(original._id) === String(report._id)) throw new ValidationFailed({ caseNumber: 'duplicates.errors.same' });
  if (original.duplicateOf?.caseId) throw new ValidationFailed({ caseNumber: 'duplicates.errors.originalIsDuplicate' });
  if (report.duplicateOf?.caseId) throw new Conflict('duplicates.errors.already');
  if (report.duplicates?.length) throw new ValidationFailed({ caseNumber: 'duplicates.errors.hasDuplicates' });
  if (FINAL_STATUSES.includes(report.status as ReportStatus)) throw new Conflict('duplicates.errors.final');

  const from = report.status as ReportStatus;
  const result = await updateCase(
    { _id: report._id, version: report.version },
    {
      $set: { status: 'CLOSED', closedAt: now, dueAt: null, overdue: 0, stageStartedAt: now, duplicateOf: { caseId: original._id, caseNumber: original.caseNumber, at: now } },
      $push: { history: { from, to: 'CLOSED', at: now, byUserId: actor.userId, byName: actor.displayName, note: '', late: false } },
      $inc: { version: 1 },
    },
  );
  if (result.matchedCount === 0) throw new Conflict();
  await updateCase({ _id: original._id }, { $push: { duplicates: { caseId: report._id, caseNumber: report.caseNumber, at: now } }, $inc: { version: 1 } });
  await countCase(report, { ...report, status: 'CLOSED' });
  await recordsChanged(report.unitPath, ...statisticsYearsOf(report));
  await audit.record({
    actor,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'update',
    before: { status: from, duplicateOf: '' },
    after: { status: 'CLOSED', duplicateOf: original.caseNumber },
    unitPath: report.handlerUnitPath,
  });
  await audit.record({
    actor,
    objectType: AUDIT_TYPE,
    objectId: original._id,
    action: 'update',
    before: { duplicates: (original.duplicates ?? []).map((d) => d.caseNumber).join(', ') },
    after: { duplicates: [...(original.duplicates ?? []).map((d) => d.caseNumber), report.caseNumber].join(', ') },
    unitPath: original.handlerUnitPath,
  });
  // Its reporter reads that it was joined to another case (never which one, nor anything of that case's reporter).
  if (settings) await tellReporterOfChange(report, 'DUPLICATE', settings, deps);
}
