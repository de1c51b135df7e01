import * as audit from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { recordsChanged } from '../shared/changes.js';
import { Conflict, ValidationFailed } from '../shared/errors.js';
import { workingDaysFrom } from '../holidays/index.js';
import { vietnamDay } from '../shared/dates.js';
import type { ReportSettings } from './settings.js';
import { updateCase } from './case-writes.js';
import { countCase } from './counters.js';
import { FINAL_STATUSES, IncidentReportModel, statisticsYearsOf, type IncidentReport, type ReportStatus } from './model.js';
import { AUDIT_TYPE, canHandle, caseFor } from './service.js';
import type { Mailer } from '../notifications/index.js';
import { tellReporterOfChange, type ReporterMailSettings } from './reporter-mail.js';
import { stageDays } from './handling.js';

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
      $set: {
        status: 'CLOSED',
        closedAt: now,
        dueAt: null,
        overdue: 0,
        stageStartedAt: now,
        duplicateOf: {
          caseId: original._id,
          caseNumber: original.caseNumber,
          at: now,
          // Kept for undoing it: the state, its deadline and whether it ran late.
          previousStatus: from,
          previousDueAt: report.dueAt ?? null,
          previousStageStartedAt: report.stageStartedAt ?? null,
          previousOverdue: report.overdue ?? 0,
        },
      },
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

/**
 * "Bỏ đánh dấu trùng": the case marked by mistake goes back to the state it was in (with its deadline), both links
 * are removed, and the statistics count it again (they leave out only cases with a `duplicateOf` link).
 */
export async function unmarkDuplicate(actor: Actor, id: string, input: { version?: number }, settings: ReportSettings & ReporterMailSettings, now = new Date(), deps: { mailer?: Mailer | null } = {}): Promise<void> {
  const report = await caseFor(actor, id);
  if (input.version != null && input.version !== report.version) throw new Conflict();
  const link = report.duplicateOf;
  if (!link?.caseId) throw new Conflict('duplicates.errors.notDuplicate');
  if (report.personalDataErasedAt) throw new Conflict('duplicates.errors.erased');
  // Marked before the previous state was kept: the state it was closed from, as its history says.
  const marked = [...(report.history ?? [])].reverse().find((h) => h.to === 'CLOSED');
  const restored = (link.previousStatus || marked?.from || 'RECEIVED') as ReportStatus;
  const days = link.previousStatus ? null : stageDays(restored, settings);
  const dueAt = link.previousStatus ? (link.previousDueAt ?? null) : days == null ? null : await workingDaysFrom(vietnamDay(now), days);

  const result = await updateCase(
    { _id: report._id, version: report.version },
    {
      $set: {
        status: restored,
        closedAt: null,
        dueAt,
        overdue: link.previousStatus ? (link.previousOverdue ?? 0) : 0,
        stageStartedAt: link.previousStageStartedAt ?? now,
        duplicateOf: { caseId: null, caseNumber: '', at: null, previousStatus: '', previousDueAt: null, previousStageStartedAt: null, previousOverdue: 0 },
      },
      $push: { history: { from: 'CLOSED', to: restored, at: now, byUserId: actor.userId, byName: actor.displayName, note: '', late: false } },
      $inc: { version: 1 },
    },
  );
  if (result.matchedCount === 0) throw new Conflict();
  // The kept case's list without this one: set whole, guarded by its version ($pull by a field of a subdocument is not
  // something FerretDB v1 does), read again when another write came in between.
  type Kept = Pick<IncidentReport, '_id' | 'caseNumber' | 'duplicates' | 'handlerUnitPath' | 'version'>;
  let original: Kept | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    original = await IncidentReportModel.findById(link.caseId).select('caseNumber duplicates handlerUnitPath version').lean<Kept>();
    if (!original) break;
    const kept = (original.duplicates ?? []).filter((d) => String(d.caseId) !== String(report._id));
    const written = await updateCase({ _id: original._id, version: original.version }, { $set: { duplicates: kept }, $inc: { version: 1 } });
    if (written.matchedCount === 1) break;
  }
  await countCase(report, { ...report, status: restored });
  await recordsChanged(report.unitPath, ...statisticsYearsOf(report));
  await audit.record({
    actor,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'update',
    before: { status: report.status, duplicateOf: link.caseNumber },
    after: { status: restored, duplicateOf: '' },
    unitPath: report.handlerUnitPath,
  });
  if (original) {
    const before = (original.duplicates ?? []).map((d) => d.caseNumber);
    await audit.record({
      actor,
      objectType: AUDIT_TYPE,
      objectId: original._id,
      action: 'update',
      before: { duplicates: before.join(', ') },
      after: { duplicates: before.filter((n) => n !== report.caseNumber).join(', ') },
      unitPath: original.handlerUnitPath,
    });
  }
  // Its reporter was told it had been joined to another case; now they read its state again.
  await tellReporterOfChange(report, restored, settings, deps);
}
