import type { Types } from 'mongoose';
import { keptByKey } from '../shared/kept-in-memory.js';
import { recordsFilter, type RecordsOf } from '../shared/records-of.js';
import { caseWrites, IncidentReportModel } from './model.js';

type CaseRef = Readonly<{ _id: Types.ObjectId; handlerUnitPath: readonly Types.ObjectId[] }>;

/** Lists of cases by who they concern, kept in memory until a case changes (the inbox asks on every view). */
const keptLists = keptByKey<{ list: readonly CaseRef[] }>(caseWrites, 1000);
const listOf = async (key: string, filter: Record<string, unknown>): Promise<readonly CaseRef[]> =>
  (await keptLists(key, async () => ({ list: await IncidentReportModel.find(filter).select('handlerUnitPath').lean<CaseRef[]>() })))!.list;

/** Cases a user is kept away from (about them or their accounts). */
export const casesKeptFrom = (userId: Types.ObjectId) => listOf(`keptFrom:${String(userId)}`, { excludedUserIds: userId });

/** Cases about a staff member. */
export const casesAbout = (staffId: Types.ObjectId) => listOf(`about:${String(staffId)}`, { staffId });

/** What the statistics and the yearly workbooks read of cases. */

/** The reports received in a year (by the Việt Nam day they came in): what report counts count. */
export async function casesReceivedBy(of: RecordsOf, year: number) {
  const cases = await IncidentReportModel.find({ ...recordsFilter(of), receivedYear: year }).select('receivedMonth status criterionCodes confirmedCriterionCodes substantiated feedback.answer remedies.kind duplicateOf.caseId').lean();
  // A duplicate is the same matter reported again: counted once, in the case it was joined to.
  return cases.filter((c) => !c.duplicateOf?.caseId);
}

/** The cases about conduct in a year (by the incident's day): whose conduct was found wanting. */
export function conductCasesOf(of: RecordsOf, year: number) {
  return IncidentReportModel.find({ ...recordsFilter(of), year }).select('staffId substantiated').lean();
}

/** The cases about conduct in a year under a unit (by the incident's day), for the workbook's per-person figures. */
export function casesOfYearUnder(rootId: Types.ObjectId, year: number) {
  return IncidentReportModel.find({ year, unitPath: rootId }).select('staffId substantiated confirmedCriterionCodes').lean().cursor({ batchSize: 500 });
}

/** The reports received in a year under a unit, as the workbook's list of cases shows them. */
export function casesReceivedUnder(rootId: Types.ObjectId, year: number) {
  return IncidentReportModel.find({ receivedYear: year, unitPath: rootId })
    .select('caseNumber occurredAt receivedAt staffName unitName criterionCodes confirmedCriterionCodes status remedies.kind letterSentAt excludedUserIds duplicateOf.caseId duplicateOf.caseNumber')
    .lean()
    .cursor({ batchSize: 500 });
}

/**
 * A case named by its number, for a record that cites it (a discipline decision): its id, number and the staff
 * member it is about — nothing of the reporter. Case numbers are unique (an indexed equality).
 */
export async function caseByNumber(caseNumber: string): Promise<{ _id: Types.ObjectId; caseNumber: string; staffId: Types.ObjectId | null } | null> {
  const c = await IncidentReportModel.findOne({ caseNumber }).select('caseNumber staffId').lean();
  return c ? { _id: c._id, caseNumber: c.caseNumber, staffId: c.staffId ?? null } : null;
}
