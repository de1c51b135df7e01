import { watchWrites } from '../shared/kept-in-memory.js';
import mongoose, { Schema, Types, type InferSchemaType } from 'mongoose';
import { foldForSearch } from '../shared/text.js';

export const UNIT_KINDS = ['province', 'district', 'commune', 'ward', 'township', 'office', 'desk'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
/** Kinds that count as a commune-level unit (xã, phường, thị trấn). */
export const COMMUNE_KINDS: readonly UnitKind[] = ['commune', 'ward', 'township'];
/** Units that serve the public face to face under a commune: where ratings and late dossiers are recorded. */
export const DESK_KINDS: readonly UnitKind[] = ['desk', 'office'];

const unitSchema = new Schema(
  {
    code: { type: String, required: true, trim: true },
    name: { type: String, required: true, trim: true },
    searchName: { type: String, required: true },
    kind: { type: String, enum: UNIT_KINDS, required: true },
    parentId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    /** Ancestors from the root down to and including this unit: scope checks are one membership test. */
    path: { type: [Schema.Types.ObjectId], required: true, default: [] },
    depth: { type: Number, required: true, default: 0 },
    effectiveFrom: { type: Date, required: true },
    effectiveTo: { type: Date, default: null },
    /** Units that took over this one when it was merged, split or closed. */
    successorIds: { type: [Schema.Types.ObjectId], default: [] },
    predecessorIds: { type: [Schema.Types.ObjectId], default: [] },
    version: { type: Number, default: 0 },
  },
  { timestamps: true },
);
unitSchema.index({ code: 1 }, { unique: true });
unitSchema.index({ path: 1 });
unitSchema.index({ parentId: 1 });
unitSchema.index({ searchName: 1 });

/** Every write to units sets a new revision (snapshot.ts keeps the tree in memory while it stays the same). */
export const unitWrites = watchWrites(unitSchema, 'units');

export type Unit = InferSchemaType<typeof unitSchema> & { _id: Types.ObjectId };
export const UnitModel = mongoose.model('Unit', unitSchema);

export interface NewUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parent: { _id: Types.ObjectId; path: Types.ObjectId[] } | null;
  effectiveFrom: Date;
  effectiveTo?: Date | null;
}

/** A unit's fields as stored, its place in the tree (path, depth) derived from its parent. */
export function newUnitFields(input: NewUnit) {
  const _id = new Types.ObjectId();
  const path = [...(input.parent?.path ?? []), _id];
  return {
    _id,
    code: input.code,
    name: input.name,
    searchName: foldForSearch(input.name),
    kind: input.kind,
    parentId: input.parent?._id ?? null,
    path,
    depth: path.length - 1,
    effectiveFrom: input.effectiveFrom,
    effectiveTo: input.effectiveTo ?? null,
  };
}

export const UNIT_CHANGE_KINDS = ['create', 'rename', 'move', 'merge', 'split', 'close'] as const;
export type UnitChangeKind = (typeof UNIT_CHANGE_KINDS)[number];

/** A reorganisation, kept for history: which units ended and which took over, from what date. */
const unitChangeSchema = new Schema(
  {
    kind: { type: String, enum: UNIT_CHANGE_KINDS, required: true },
    effectiveDate: { type: Date, required: true },
    fromUnitIds: { type: [Schema.Types.ObjectId], default: [] },
    toUnitIds: { type: [Schema.Types.ObjectId], default: [] },
    legalBasis: { type: String, default: '' },
    note: { type: String, default: '' },
    actorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    /** The unit a rename, move or creation is about (merges, splits and closures use from/to only). */
    subjectId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    /** A rename keeps the old and new code and name, since the unit itself only holds the current ones. */
    oldName: { type: String, default: '' },
    newName: { type: String, default: '' },
    oldCode: { type: String, default: '' },
    newCode: { type: String, default: '' },
    /** When a merger, split or closure was carried out: on its effective date, not before (null: still to come). */
    appliedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
unitChangeSchema.index({ fromUnitIds: 1 });
unitChangeSchema.index({ toUnitIds: 1 });
unitChangeSchema.index({ subjectId: 1 });

export type UnitChange = InferSchemaType<typeof unitChangeSchema> & { _id: Types.ObjectId };
export const UnitChangeModel = mongoose.model('UnitChange', unitChangeSchema);
