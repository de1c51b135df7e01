import type { Types } from 'mongoose';
import { mapLimited } from '../shared/batches.js';
import { monthKeysBetween, vietnamMonth } from '../shared/dates.js';
import { keptByKey } from '../shared/kept-in-memory.js';
import { caseWrites, IncidentReportModel } from './model.js';

/** What evaluations need of a substantiated report: the head sees it beside the criteria it confirmed. */
export interface SubstantiatedIncident {
  _id: Types.ObjectId;
  staffId: Types.ObjectId;
  caseNumber: string;
  criterionCodes: string[];
  occurredAt: Date;
}

/** Lists of substantiated incidents (by person and range, by unit and month), kept until a case changes. */
const listsKept = keptByKey<{ list: readonly FoundDoc[] }>(caseWrites, 1000);

/** How many people's incidents are asked for at once (one query each). */
const PARALLEL = 8;

/**
 * Substantiated incidents against these people that happened in [from, to). One query per person with equalities
 * only (`staffId`, `substantiated`), which FerretDB pushes down: `staffId: {$in: …}` would make it read every
 * report of the province. Only the date range is then checked by the engine, on that person's few reports.
 */
export async function substantiatedIncidents(staffIds: readonly Types.ObjectId[], from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  const unique = [...new Map(staffIds.map((id) => [String(id), id])).values()];
  return (await mapLimited(unique, PARALLEL, (id) => incidentsOf(id, from, to))).flat();
}

async function incidentsOf(staffId: Types.ObjectId, from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  const load = async () => ({
    list: await IncidentReportModel.find({ staffId, substantiated: true, occurredAt: { $gte: from, $lt: to } })
      .select('staffId caseNumber criterionCodes confirmedCriterionCodes occurredAt')
      .lean<FoundDoc[]>(),
  });
  return (await listsKept(`${String(staffId)}:${from.getTime()}:${to.getTime()}`, load))!.list.map(substantiated);
}

type FoundDoc = Pick<SubstantiatedIncident, '_id' | 'caseNumber' | 'criterionCodes' | 'occurredAt'> & { staffId?: Types.ObjectId | null; confirmedCriterionCodes?: string[] };

const substantiated = (d: FoundDoc): SubstantiatedIncident => ({
  _id: d._id,
  staffId: d.staffId!,
  caseNumber: d.caseNumber,
  // The finding's confirmed criteria when recorded, else the reported ones.
  criterionCodes: d.confirmedCriterionCodes?.length ? d.confirmedCriterionCodes : d.criterionCodes,
  occurredAt: d.occurredAt,
});

/**
 * Substantiated incidents that happened in [from, to) about people of a unit (the unit they were reported in is it or
 * under it): one equality query per month of the range (`unitPath`, `periodKey`, `substantiated`, pushed down and
 * served by the engine index), so a roster asks once for its whole unit instead of once per person, whatever the
 * years of history. A person reported in another unit before moving here is not among them. Each month's list is kept
 * in memory until a case changes (a roster asks on every view; cases change far less often).
 */

export async function substantiatedIncidentsUnder(unitId: Types.ObjectId, from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  // The months of the calendar days from `from` to the day before `to` (reports are keyed by the incident's day).
  const months = monthKeysBetween(vietnamMonth(from).key, vietnamMonth(new Date(to.getTime() - 86_400_000)).key);
  const docs = (
    await Promise.all(
      months.map(async (periodKey) =>
        (await listsKept(`${String(unitId)}:${periodKey}`, async () => ({
          list: await IncidentReportModel.find({ unitPath: unitId, periodKey, substantiated: true }).select('staffId caseNumber criterionCodes confirmedCriterionCodes occurredAt').lean<FoundDoc[]>(),
        })))!.list,
      ),
    )
  ).flat();
  return docs.filter((d) => d.staffId && d.occurredAt >= from && d.occurredAt < to).map(substantiated);
}
