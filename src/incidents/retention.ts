import type { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import { updateCase } from './case-writes.js';
import { FINAL_STATUSES, IncidentReportModel, ReporterIdentityModel, type IncidentReport } from './model.js';
import { deleteEvidenceOfCase } from './evidence.js';
import { AUDIT_TYPE } from './service.js';

/**
 * The fields of a case's audit entries that can hold someone's words (a step's note, a reason, an explanation, the
 * letter as drafted, and the reply or note text of entries written before only their length was kept): blanked with
 * the case's free text, so the log does not keep what the case no longer does.
 */
export const AUDITED_TEXT_FIELDS = ['reply', 'note', 'reason', 'explanation', 'letter', 'text', 'comment', 'description'] as const;

/**
 * Retention of a settled case's personal data (Decree 13/2023/NĐ-CP; Law 91/2025/QH15): once a case has been
 * RESOLVED or CLOSED for longer than the period the province chose, who filed it (name, phone, e-mail, address, and
 * the account or staff record of a colleague or a denouncer) is erased, and so is what the reporter and the unit said
 * to each other in the public thread, the questionnaire's comments, the apology letter's addressee and body, the
 * report's description and place, the internal and step notes, the finding's note, the explanation and review reasons,
 * the remedies' notes, and those words where the audit log copied them. What the statistics count stays: the case,
 * its unit, criteria, dates, status, finding, remedies' kinds, outcome, the feedback answers and whether it was filed
 * anonymously. Each erased case is stamped, so a rerun leaves it alone.
 */

/**
 * What else a case holds that must go with its reporter's data: each cleaner is given the case's id and removes the
 * case's own files. THE call site for the case's evidence attachments (added on a parallel branch): its door function
 * that deletes a case's files is pushed here, and the retention job then runs it for every case it erases.
 */
export type CaseCleaner = (reportId: Types.ObjectId) => Promise<void>;
export const CASE_CLEANERS: CaseCleaner[] = [
  // The evidence files go with the reporter's data (a photo or a document may show who they are).
  async (reportId) => void (await deleteEvidenceOfCase(reportId)),
  // The words the audit log copied from the case (who did what, and when, stays).
  async (reportId) => void (await audit.eraseValuesOf(AUDIT_TYPE, reportId, AUDITED_TEXT_FIELDS)),
];

const FIELDS = 'status closedAt personalDataErasedAt messages feedback letter internalNotes history remedies reviewRequests';

/** Erases the personal data of cases settled before `settledBefore`; returns how many cases were erased now. */
export async function eraseSettledCasesBefore(settledBefore: Date, now = new Date()): Promise<number> {
  // Settled cases only: one equality look-up per final status (open cases are never touched, whatever their age).
  const settled = (await Promise.all(FINAL_STATUSES.map((status) => IncidentReportModel.find({ status }).select(FIELDS).lean<IncidentReport[]>()))).flat();
  const due = settled.filter((r) => !r.personalDataErasedAt && r.closedAt != null && r.closedAt.getTime() < settledBefore.getTime());
  let erased = 0;
  for (const report of due) {
    // The identity first: if the run stops between the two writes, the case is not stamped and the next run redoes both.
    await ReporterIdentityModel.updateOne({ reportId: report._id }, { $set: { name: '', phone: '', email: '', address: '', userId: null, staffId: null, erasedAt: now } });
    for (const clean of CASE_CLEANERS) await clean(report._id);
    const write = await updateCase(
      // Guarded: a case reopened meanwhile (no longer settled, or settled again later) keeps its data.
      { _id: report._id, status: report.status, closedAt: report.closedAt },
      {
        $set: {
          messages: report.messages.map((m) => ({ at: m.at, author: m.author, byName: m.author === 'UNIT' ? m.byName : '', text: '' })),
          feedback: report.feedback.map((f) => ({ at: f.at, closedAt: f.closedAt, answer: f.answer, comment: '' })),
          'letter.recipientName': '',
          'letter.recipientAddress': '',
          'letter.body': '',
          // Free text, anyone's words (a reporter's account can name them; a handler's note can quote them): blanked.
          // What the statistics read stays: number, dates, criteria, state, finding, remedies' kinds, outcome.
          description: '',
          place: '',
          internalNotes: report.internalNotes.map((n) => ({ at: n.at, byUserId: n.byUserId, byName: n.byName, text: '' })),
          history: report.history.map((h) => ({ ...h, note: '' })),
          remedies: report.remedies.map((r) => ({ kind: r.kind, at: r.at, byName: r.byName, note: '' })),
          reviewRequests: report.reviewRequests.map((r) => ({ ...r, reason: '' })),
          'explanation.text': '',
          'finding.note': '',
          'finding.explanationSummary': '',
          personalDataErasedAt: now,
        },
        $inc: { version: 1 },
      },
    );
    if (write.modifiedCount === 1) erased++;
  }
  return erased;
}
