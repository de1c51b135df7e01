import type { Types } from 'mongoose';
import { recordsFilter, type RecordsOf } from '../shared/records-of.js';
import { IncidentReportModel } from './model.js';

/** What the statistics and the yearly workbooks read of cases. */

export function casesCountedBy(of: RecordsOf, year: number) {
  return IncidentReportModel.find({ ...recordsFilter(of), year }).select('month status criterionCodes confirmedCriterionCodes substantiated staffId').lean();
}

/** The year's cases under a unit; with `rows`, what the workbook's list of cases shows. */
export function casesOfYearUnder(rootId: Types.ObjectId, year: number, opts: { rows: boolean }) {
  return IncidentReportModel.find({ year, unitPath: rootId })
    .select(
      opts.rows
        ? 'staffId substantiated confirmedCriterionCodes caseNumber occurredAt receivedAt staffName unitName criterionCodes status remedies.kind letterSentAt excludedUserIds'
        : 'staffId substantiated confirmedCriterionCodes',
    )
    .lean()
    .cursor({ batchSize: 500 });
}
