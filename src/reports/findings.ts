import type { Types } from 'mongoose';
import { mapLimited } from '../shared/batches.js';
import { IncidentReportModel, type IncidentReport } from './model.js';

/** What evaluations need of a substantiated report: the head sees it beside the criteria it confirmed. */
export interface SubstantiatedIncident {
  _id: Types.ObjectId;
  staffId: Types.ObjectId;
  caseNumber: string;
  criterionCodes: string[];
  occurredAt: Date;
}

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

/**
 * Substantiated incidents against anyone working at or under a unit that happened in [from, to): one query per
 * calendar year of the window (equalities on `unitPath`, `year` and `substantiated`), so a commune's roster costs one
 * query, not one per person, and the same after years of history.
 */
export async function substantiatedIncidentsUnder(unitId: Types.ObjectId, from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  const years: number[] = [];
  // A report's `year` is its occurrence day's (a date held as UTC midnight).
  for (let y = from.getUTCFullYear(); y <= new Date(to.getTime() - 1).getUTCFullYear(); y++) years.push(y);
  const found = await Promise.all(years.map((year) => IncidentReportModel.find({ unitPath: unitId, year, substantiated: true }).select(FIELDS).lean()));
  return found
    .flat()
    .filter((d) => d.staffId && d.occurredAt >= from && d.occurredAt < to)
    .map(incident);
}

const FIELDS = 'staffId caseNumber criterionCodes confirmedCriterionCodes occurredAt';

async function incidentsOf(staffId: Types.ObjectId, from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  const docs = await IncidentReportModel.find({ staffId, substantiated: true, occurredAt: { $gte: from, $lt: to } })
    .select(FIELDS)
    .lean();
  return docs.map(incident);
}

function incident(d: Pick<IncidentReport, '_id' | 'staffId' | 'caseNumber' | 'criterionCodes' | 'confirmedCriterionCodes' | 'occurredAt'>): SubstantiatedIncident {
  return {
    _id: d._id,
    staffId: d.staffId!,
    caseNumber: d.caseNumber,
    // The finding's confirmed criteria when recorded, else the reported ones.
    criterionCodes: d.confirmedCriterionCodes?.length ? d.confirmedCriterionCodes : d.criterionCodes,
    occurredAt: d.occurredAt,
  };
}
