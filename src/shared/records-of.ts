import type { Types } from 'mongoose';

/** Whose records a reader wants: everything at or under a unit, or on the unit itself only. */
export type RecordsOf = { under: Types.ObjectId } | { on: Types.ObjectId };

/** The equality a feature's collection answers it with (its records carry `unitPath` and `unitId`). */
export const recordsFilter = (of: RecordsOf) => ('under' in of ? { unitPath: of.under } : { unitId: of.on });
