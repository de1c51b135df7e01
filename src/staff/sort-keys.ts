import type { Types } from 'mongoose';
import { vietnameseSortKey } from '../shared/text.js';
import { StaffModel } from './model.js';

export interface PersonSortKey {
  staffId: Types.ObjectId;
  sortKey: string;
}

/** Staff records whose stored sort key is not what their name gives today (stored before the key's rules changed). */
export async function staleSortKeys(): Promise<PersonSortKey[]> {
  const docs = await StaffModel.find({}).select('fullName sortKey').lean<{ _id: Types.ObjectId; fullName: string; sortKey: string }[]>();
  return docs.map((d) => ({ staffId: d._id, stored: d.sortKey, sortKey: vietnameseSortKey(d.fullName) })).filter((d) => d.stored !== d.sortKey).map(({ staffId, sortKey }) => ({ staffId, sortKey }));
}

/** Stores the keys on the staff records, a hundred per bulk write. */
export async function storeSortKeys(keys: readonly PersonSortKey[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 100) {
    await StaffModel.bulkWrite(keys.slice(i, i + 100).map((k) => ({ updateOne: { filter: { _id: k.staffId }, update: { $set: { sortKey: k.sortKey } } } })), { ordered: false });
  }
}
