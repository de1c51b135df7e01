import type { Types } from 'mongoose';
import { memoisedPerRequest } from '../shared/request-memo.js';
import { rememberedAcrossRequests } from '../shared/process-caches.js';
import { bumpRevision, localUnitWrites, COMMUNE_KINDS, TREE_REVISION, UnitModel, UnitsRevisionModel, type Unit, type UnitKind } from './model.js';

/**
 * The unit tree in memory, reloaded only when its revision token changes (one `_id` look-up per use). A province has
 * a few hundred units; reading them all costs ~100 ms on FerretDB, and `{_id: {$in: …}}` reads them all too, so
 * pages ask this snapshot instead of the collection.
 */

export type UnitInfo = Pick<Unit, '_id' | 'name' | 'code' | 'kind' | 'parentId' | 'path' | 'depth' | 'effectiveFrom' | 'effectiveTo'>;

export interface UnitsSnapshot {
  byId(id: Types.ObjectId | string): UnitInfo | undefined;
  /** The unit and everything under it, in no particular order. */
  subtree(rootId: Types.ObjectId | string): UnitInfo[];
  all: readonly UnitInfo[];
}

let cached: { token: string; snapshot: UnitsSnapshot; checkedAt: number; localWrites: number } | null = null;
/**
 * How long a checked snapshot is trusted without asking the database again: this process's own unit writes are seen
 * at once (localUnitWrites); another process's (a second app instance) within this delay.
 */
const RECHECK_MS = 1000;

rememberedAcrossRequests(() => (cached = null));

function build(units: UnitInfo[]): UnitsSnapshot {
  const byId = new Map(units.map((u) => [String(u._id), u]));
  return {
    all: units,
    byId: (id) => byId.get(String(id)),
    subtree: (rootId) => {
      const root = String(rootId);
      return units.filter((u) => u.path.some((p) => String(p) === root));
    },
  };
}

export function unitsSnapshot(): Promise<UnitsSnapshot> {
  return memoisedPerRequest('units.snapshot', currentSnapshot);
}

async function currentSnapshot(): Promise<UnitsSnapshot> {
  const localWrites = localUnitWrites;
  if (cached && cached.localWrites === localWrites && Date.now() - cached.checkedAt < RECHECK_MS) return cached.snapshot;
  let revision = await UnitsRevisionModel.findById(TREE_REVISION).lean();
  if (revision && cached?.token === revision.token) {
    cached = { ...cached, checkedAt: Date.now(), localWrites };
    return cached.snapshot;
  }
  if (!revision) {
    // A database written before revisions existed (or emptied): start one, then read.
    await bumpRevision();
    revision = await UnitsRevisionModel.findById(TREE_REVISION).lean();
  }
  const units = await UnitModel.find({}).select('name code kind parentId path depth effectiveFrom effectiveTo').lean<UnitInfo[]>();
  const snapshot = build(units);
  cached = revision ? { token: revision.token, snapshot, checkedAt: Date.now(), localWrites } : null;
  return snapshot;
}

/** Units by id, from the snapshot; unknown ids are left out. */
export async function unitsByIds(ids: readonly (Types.ObjectId | string)[]): Promise<UnitInfo[]> {
  const snapshot = await unitsSnapshot();
  return [...new Set(ids.map(String))].map((id) => snapshot.byId(id)).filter((u): u is UnitInfo => !!u);
}

export const isCommuneLevel = (kind: string) => COMMUNE_KINDS.includes(kind as UnitKind);

/** Of several units, those not inside another one of them (a scope's roots, each counted once). */
export async function outermostUnits(ids: readonly Types.ObjectId[]): Promise<Types.ObjectId[]> {
  const snapshot = await unitsSnapshot();
  const wanted = new Set(ids.map(String));
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = String(id);
    if (seen.has(key)) return false;
    seen.add(key);
    return !(snapshot.byId(id)?.path ?? []).some((p) => String(p) !== key && wanted.has(String(p)));
  });
}
