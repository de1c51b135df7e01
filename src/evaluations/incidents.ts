import mongoose, { type Types } from 'mongoose';
import { mapLimited } from './lookups.js';

/**
 * The seam to incident reports (issue 4). Until that feature exists this reads its collection directly,
 * by this contract: collection `incidentreports`, documents with `staffId`, `criterionCodes: string[]`,
 * `occurredAt: Date` and a stored `substantiated: true` once a report is substantiated. When issue 4
 * lands with other names, only this function changes.
 */
export const INCIDENT_COLLECTION = 'incidentreports';

export interface SubstantiatedIncident {
  _id: Types.ObjectId;
  staffId: Types.ObjectId;
  criterionCodes: string[];
  occurredAt: Date;
  trackingCode: string;
}

/** How many people's incidents are asked for at once (one query each). */
const PARALLEL = 8;

/**
 * Substantiated incidents against these people that happened in [from, to). One query per person with equalities
 * only (`staffId`, `substantiated`), which FerretDB answers from its index: `staffId: {$in: …}` would make it read
 * every report of the province. Only the date range is then checked by the engine, on that person's few reports.
 */
export async function substantiatedIncidents(staffIds: readonly Types.ObjectId[], from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  const unique = [...new Map(staffIds.map((id) => [String(id), id])).values()];
  return (await mapLimited(unique, PARALLEL, (id) => incidentsOf(id, from, to))).flat();
}

async function incidentsOf(staffId: Types.ObjectId, from: Date, to: Date): Promise<SubstantiatedIncident[]> {
  const docs = await mongoose.connection
    .collection(INCIDENT_COLLECTION)
    .find({ staffId, substantiated: true, occurredAt: { $gte: from, $lt: to } })
    .project({ staffId: 1, criterionCodes: 1, confirmedCriterionCodes: 1, occurredAt: 1, trackingCode: 1 })
    .toArray();
  return docs.map((d) => ({
    _id: d._id as Types.ObjectId,
    staffId: d.staffId as Types.ObjectId,
    // The finding's confirmed criteria when recorded (issue 4), else the reported ones.
    criterionCodes: codesOf(d.confirmedCriterionCodes) ?? codesOf(d.criterionCodes) ?? [],
    occurredAt: d.occurredAt as Date,
    // Reports keep only a hash of the citizen's tracking code: the record id's tail is the label then.
    trackingCode: typeof d.trackingCode === 'string' && d.trackingCode ? d.trackingCode : `#${String(d._id).slice(-6)}`,
  }));
}

function codesOf(v: unknown): string[] | null {
  return Array.isArray(v) && v.length > 0 ? (v as string[]) : null;
}
