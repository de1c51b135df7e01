import type { Types } from 'mongoose';
import { memoisedPerRequest } from '../shared/request-memo.js';
import { recordsFilter, type RecordsOf } from '../shared/records-of.js';
import { IncidentReportModel } from './model.js';

/** Cases a user is kept away from (about them or their accounts): asked once per request, however many parts need it. */
export function casesKeptFrom(userId: Types.ObjectId): Promise<{ _id: Types.ObjectId; handlerUnitPath: Types.ObjectId[] }[]> {
  return memoisedPerRequest(`reports.keptFrom.${String(userId)}`, () => IncidentReportModel.find({ excludedUserIds: userId }).select('handlerUnitPath').lean().exec());
}

/** What the statistics and the yearly workbooks read of cases. */

export function casesCountedBy(of: RecordsOf, year: number) {
  return IncidentReportModel.find({ ...recordsFilter(of), year }).select('month status criterionCodes confirmedCriterionCodes substantiated staffId feedback.answer remedies.kind').lean();
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
