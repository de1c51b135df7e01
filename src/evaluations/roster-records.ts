import type { Types } from 'mongoose';
import { rememberedAcrossRequests } from '../shared/process-caches.js';
import { isCommuneLevel, type UnitsSnapshot } from '../units/index.js';
import { EvaluationResultModel, type EvaluationResult } from './record-model.js';
import { PeriodTallyModel, tallyKey } from './tallies.js';

/**
 * The result records a commune's roster lists, kept in memory per period and unit while the commune's period tally
 * keeps its token. Every write of a record sets a new token on its reporting unit's tally after the record
 * (results-store.ts), and the token is read before the records here, so a copy is never kept under a token newer
 * than what it holds: a roster view costs one `_id` look-up instead of decoding the commune's ~60 records.
 */

const ROW_FIELDS = 'staffId staffName sortKey position unitName selfSubmitted evaluated finalised criteria scores disagreement';
export type RowRecord = Readonly<
  Pick<EvaluationResult, '_id' | 'staffId' | 'staffName' | 'sortKey' | 'position' | 'unitName' | 'selfSubmitted' | 'evaluated' | 'finalised' | 'criteria' | 'scores' | 'disagreement'>
>;

/** Rosters kept at once; past it the oldest half is forgotten (a province has ~50 communes per open period). */
const CAPACITY = 400;
const kept = new Map<string, { token: string; rows: readonly RowRecord[] }>();
rememberedAcrossRequests(() => kept.clear());

/** The commune-level unit whose tally counts the records of this unit (itself, or the commune above a desk). */
function reportingUnitOf(units: UnitsSnapshot, unitId: Types.ObjectId): Types.ObjectId | null {
  const path = units.byId(unitId)?.path ?? [];
  for (let i = path.length - 1; i >= 0; i--) if (isCommuneLevel(units.byId(path[i]!)?.kind ?? '')) return path[i]!;
  return null;
}

const readRecords = (periodId: Types.ObjectId, unitId: Types.ObjectId, field: 'unitPath' | 'reportingUnitId') =>
  EvaluationResultModel.find({ periodId, [field]: unitId }).select(ROW_FIELDS).lean<RowRecord[]>();

/** Everyone's records at or under a unit in a period. */
export async function recordsUnder(periodId: Types.ObjectId, unitId: Types.ObjectId, units: UnitsSnapshot): Promise<readonly RowRecord[]> {
  const reporting = reportingUnitOf(units, unitId);
  if (!reporting) return readRecords(periodId, unitId, 'unitPath');
  const tally = await PeriodTallyModel.findById(tallyKey(periodId, reporting)).select('token').lean<{ token?: string }>();
  const token = tally?.token;
  if (!token) return readRecords(periodId, unitId, 'unitPath');
  const key = `${String(periodId)}:${String(unitId)}`;
  const held = kept.get(key);
  if (held?.token === token) return held.rows;
  const rows = Object.freeze((await readRecords(periodId, unitId, 'unitPath')).map((r) => Object.freeze(r)));
  if (kept.size >= CAPACITY) for (const k of [...kept.keys()].slice(0, CAPACITY / 2)) kept.delete(k);
  kept.set(key, { token, rows });
  return rows;
}

/** The records of the people who report to this unit directly (its own people, under a larger scope). */
export const ownRecords = (periodId: Types.ObjectId, unitId: Types.ObjectId) => readRecords(periodId, unitId, 'reportingUnitId');
