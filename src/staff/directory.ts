import type { Types } from 'mongoose';
import { keptInMemory } from '../shared/kept-in-memory.js';
import { compareSortKeys } from '../shared/text.js';
import { StaffModel, staffWrites, type Staff } from './model.js';

/**
 * The staff list's rows, every record's, sorted as the list shows them and kept in memory until a staff record
 * changes: FerretDB pushes neither sort nor skip down, so a province's list (3,000 people) read from the collection
 * decoded and sorted every record for each page of 25. Staff records change seldom (edits, imports,
 * reorganisations); a change costs one read of the collection's list fields, not one per page.
 */

const FIELDS = 'fullName sortKey searchName codeKey position unitId unitPath birthYear category active staffCode';
export type DirectoryRow = Pick<Staff, '_id' | 'fullName' | 'sortKey' | 'searchName' | 'codeKey' | 'position' | 'unitId' | 'unitPath' | 'birthYear' | 'category' | 'active' | 'staffCode'> & {
  /** The unit path as strings, for scope tests without converting on every page. */
  unitIds: ReadonlySet<string>;
};

/** How long a checked directory is trusted without asking (another process's edits show within it). */
const RECHECK_MS = 1000;

const directory = keptInMemory(
  staffWrites,
  async (): Promise<{ rows: readonly DirectoryRow[]; byId: ReadonlyMap<string, DirectoryRow> }> => {
    const docs = await StaffModel.find({}).select(FIELDS).lean<(Staff & { _id: Types.ObjectId })[]>();
    const rows = docs.map((d) => ({ ...d, unitIds: new Set(d.unitPath.map(String)) }));
    rows.sort((a, b) => compareSortKeys(a.sortKey, b.sortKey) || compareSortKeys(String(a._id), String(b._id)));
    return { rows, byId: new Map(rows.map((r) => [String(r._id), r])) };
  },
  RECHECK_MS,
);

export interface DirectoryFilter {
  /** People at or under any of these units. */
  under: readonly (Types.ObjectId | string)[];
  category?: string;
  active?: boolean;
  /** Folded text found in the folded name, or the staff code itself. */
  text?: { folded: string; code: string };
}

/** The rows matching the filter, in list order. */
export async function directoryRows(filter: DirectoryFilter): Promise<DirectoryRow[]> {
  const under = filter.under.map(String);
  const { category, active, text } = filter;
  return (await directory()).rows.filter(
    (r) =>
      under.some((u) => r.unitIds.has(u)) &&
      (category === undefined || r.category === category) &&
      (active === undefined || r.active === active) &&
      (!text || r.searchName.includes(text.folded) || r.codeKey === text.code),
  );
}

/** Rows by id; unknown ids are left out. */
export async function directoryRowsById(ids: readonly (Types.ObjectId | string)[]): Promise<Map<string, DirectoryRow>> {
  const { byId } = await directory();
  return new Map(ids.map(String).flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])));
}
