import type { Types } from 'mongoose';
import { recordsFilter, type RecordsOf } from '../shared/records-of.js';
import { directoryRows } from './directory.js';
import { StaffModel } from './model.js';

/** What other features read of staff records. */

export interface StaffMember {
  _id: Types.ObjectId;
  fullName: string;
  position: string;
  sortKey: string;
  unitId: Types.ObjectId;
  unitPath: Types.ObjectId[];
  active: boolean;
  birthYear: number;
  userId: Types.ObjectId | null;
  category?: string;
  educationLevel?: string;
  politicalTheoryLevel?: string;
  generalEducation?: string;
}

/** One staff record, active or not (an `_id` look-up). */
export async function staffMember(id: Types.ObjectId | string): Promise<StaffMember | null> {
  return StaffModel.findById(id).select('fullName position sortKey unitId unitPath active birthYear userId category educationLevel politicalTheoryLevel generalEducation').lean<StaffMember>();
}

/**
 * Active staff at or under any of these units, as Vietnamese lists are ordered — from the directory kept in memory
 * (the public report form lists a commune's people for every visitor; read from the collection, FerretDB decoded
 * each record whole for every page).
 */
export async function activeStaffUnder(
  unitIds: Types.ObjectId | readonly Types.ObjectId[],
  opts: { limit?: number } = {},
): Promise<Pick<StaffMember, '_id' | 'fullName' | 'position' | 'sortKey' | 'unitId' | 'unitPath'>[]> {
  const ids = Array.isArray(unitIds) ? unitIds : [unitIds as Types.ObjectId];
  const rows = await directoryRows({ under: ids, active: true });
  return rows.slice(0, opts.limit || rows.length).map((r) => ({ _id: r._id, fullName: r.fullName, position: r.position, sortKey: r.sortKey, unitId: r.unitId, unitPath: [...r.unitPath] }));
}

/** Everyone on the staff of a unit, active or not: what its figures count. */
const COUNTED_FIELDS = 'birthYear active category educationLevel politicalTheoryLevel generalEducation unitId unitPath inactiveSince unitHistory';

export function staffCountedBy(of: RecordsOf) {
  return StaffModel.find(recordsFilter(of)).select(COUNTED_FIELDS).lean();
}

/** People who worked at or in a unit before and have moved since (for a past year's headcount as at its end). */
export async function staffFormerlyIn(of: RecordsOf) {
  const unitId = 'under' in of ? of.under : of.on;
  const people = await StaffModel.find({ formerUnitPath: unitId }).select(COUNTED_FIELDS).lean();
  return 'under' in of ? people : people.filter((p) => p.unitHistory.some((h) => h.unitId.equals(unitId)));
}

/** Records written before `formerUnitPath` existed get it from their history (idempotent; at start-up). */
export async function storeFormerUnitPaths(): Promise<number> {
  const people = await StaffModel.find({}).select('unitHistory formerUnitPath').lean();
  const stale = people.filter((p) => p.unitHistory.length > 0 && p.unitHistory.some((h) => h.unitPath.some((u) => !(p.formerUnitPath ?? []).some((f) => f.equals(u)))));
  for (const p of stale) await StaffModel.updateOne({ _id: p._id }, { $addToSet: { formerUnitPath: { $each: p.unitHistory.flatMap((h) => h.unitPath) } } });
  return stale.length;
}

/** Everyone at or under a unit, active or not, as the yearly workbooks list them. */
export function staffUnder(rootId: Types.ObjectId) {
  return StaffModel.find({ unitPath: rootId }).select('fullName sortKey position unitId active').lean().cursor({ batchSize: 500 });
}

/** Second, idempotent step of creating a login for a staff record (no transactions): the record points at it. */
export async function linkLogin(staffId: Types.ObjectId, userId: Types.ObjectId): Promise<void> {
  await StaffModel.updateOne({ _id: staffId, userId: null }, { $set: { userId } });
}

/**
 * A person's whole staff record, for their right of access (Law 91/2025/QH15): every field kept about
 * them, with the units they worked in before (ids: the caller names them), less the app's own bookkeeping.
 */
export async function staffRecordOf(staffId: Types.ObjectId) {
  const s = await StaffModel.findById(staffId).lean();
  if (!s) return null;
  return {
    fullName: s.fullName,
    staffCode: s.staffCode,
    position: s.position,
    unitId: s.unitId,
    birthYear: s.birthYear,
    gender: s.gender,
    category: s.category,
    educationLevel: s.educationLevel,
    politicalTheoryLevel: s.politicalTheoryLevel,
    generalEducation: s.generalEducation,
    active: s.active,
    inactiveSince: s.inactiveSince ?? null,
    unitHistory: s.unitHistory.map((h) => ({ unitId: h.unitId, until: h.until })),
    createdAt: (s as { createdAt?: Date }).createdAt ?? null,
    updatedAt: (s as { updatedAt?: Date }).updatedAt ?? null,
  };
}

/** A staff record named by its employee code (case-insensitive) or its record id: its id and unit path, or null. */
export async function staffByCodeOrId(text: string): Promise<{ _id: Types.ObjectId; unitPath: Types.ObjectId[] } | null> {
  const value = text.trim();
  if (!value) return null;
  const byCode = await StaffModel.findOne({ codeKey: value.toUpperCase() }).select('unitPath').lean();
  if (byCode) return { _id: byCode._id, unitPath: byCode.unitPath };
  if (!/^[0-9a-f]{24}$/i.test(value)) return null;
  const byId = await StaffModel.findById(value).select('unitPath').lean();
  return byId ? { _id: byId._id, unitPath: byId.unitPath } : null;
}
