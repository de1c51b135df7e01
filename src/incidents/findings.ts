import type { Types } from 'mongoose';
import { mapLimited } from '../shared/batches.js';
import { IncidentReportModel } from './model.js';

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

async function incidentsOf(staffId: Types.ObjectId, from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  const docs = await IncidentReportModel.find({ staffId, substantiated: true, occurredAt: { $gte: from, $lt: to } })
    .select('staffId caseNumber criterionCodes confirmedCriterionCodes occurredAt')
    .lean();
  return docs.map((d) => ({
    _id: d._id,
    staffId: d.staffId!,
    caseNumber: d.caseNumber,
    // The finding's confirmed criteria when recorded, else the reported ones.
    criterionCodes: d.confirmedCriterionCodes?.length ? d.confirmedCriterionCodes : d.criterionCodes,
    occurredAt: d.occurredAt,
  }));
}
