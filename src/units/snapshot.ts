import { vietnamDay } from '../shared/dates.js';
import type { Types } from 'mongoose';
import { keptInMemory, type KeptInMemory } from '../shared/kept-in-memory.js';
import { answerPredecessors } from '../shared/succession.js';
import { unitWrites, COMMUNE_KINDS, DESK_KINDS, UnitModel, type Unit, type UnitKind } from './model.js';

/**
 * The unit tree in memory, reloaded only when its revision token changes (one `_id` look-up per use). A province has
 * a few hundred units; reading them all costs ~100 ms on FerretDB, and `{_id: {$in: …}}` reads them all too, so
 * pages ask this snapshot instead of the collection.
 */

export type UnitInfo = Pick<Unit, '_id' | 'name' | 'code' | 'kind' | 'parentId' | 'path' | 'depth' | 'effectiveFrom' | 'effectiveTo' | 'predecessorIds' | 'successorIds'>;

export interface UnitsSnapshot {
  byId(id: Types.ObjectId | string): UnitInfo | undefined;
  byCode(code: string): UnitInfo | undefined;
  /** The unit and everything under it, in no particular order. */
  subtree(rootId: Types.ObjectId | string): UnitInfo[];
  /** The units at or under any of these roots, each once. */
  under(rootIds: readonly (Types.ObjectId | string)[]): UnitInfo[];
  all: readonly UnitInfo[];
}

/** How long a checked tree is trusted without asking the database again (another process's writes show within it). */
const RECHECK_MS = 1000;

function build(units: UnitInfo[]): UnitsSnapshot {
  const byId = new Map(units.map((u) => [String(u._id), u]));
  const byCode = new Map(units.map((u) => [u.code, u]));
  const under = (rootIds: readonly (Types.ObjectId | string)[]) => {
    const roots = new Set(rootIds.map(String));
    return units.filter((u) => u.path.some((p) => roots.has(String(p))));
  };
  return {
    all: units,
    byId: (id) => byId.get(String(id)),
    byCode: (code) => byCode.get(code),
    subtree: (rootId) => under([rootId]),
    under,
  };
}

export const unitsSnapshot: KeptInMemory<UnitsSnapshot> = keptInMemory(
  unitWrites,
  async () => build(await UnitModel.find({}).select('name code kind parentId path depth effectiveFrom effectiveTo predecessorIds successorIds').lean<UnitInfo[]>()),
  RECHECK_MS,
);

/** One unit by id (any value: a malformed id finds nothing). */
export async function unitById(id: unknown): Promise<UnitInfo | null> {
  if (id == null || (typeof id !== 'string' && typeof id !== 'object')) return null;
  return (await unitsSnapshot()).byId(String(id)) ?? null;
}

/** The units at or under any of these roots. */
export async function unitsUnder(rootIds: readonly (Types.ObjectId | string)[]): Promise<UnitInfo[]> {
  return (await unitsSnapshot()).under(rootIds);
}

/** Units by id, from the snapshot; unknown ids are left out. */
export async function unitsByIds(ids: readonly (Types.ObjectId | string)[]): Promise<UnitInfo[]> {
  const snapshot = await unitsSnapshot();
  return [...new Set(ids.map(String))].map((id) => snapshot.byId(id)).filter((u): u is UnitInfo => !!u);
}

export const isCommuneLevel = (kind: string) => COMMUNE_KINDS.includes(kind as UnitKind);
export const isDesk = (kind: string) => DESK_KINDS.includes(kind as UnitKind);

/**
 * In being on this moment's day (Việt Nam calendar; unit dates are days): started, and not closed — no end date, or
 * one still to come. A unit a merger creates from a later date, and a closure dated later, act only from that day.
 */
export function isAliveAt(u: { effectiveFrom?: Date | null; effectiveTo?: Date | null }, at: Date = new Date()): boolean {
  const day = vietnamDay(at).getTime();
  return (u.effectiveFrom == null || u.effectiveFrom.getTime() <= day) && (u.effectiveTo == null || u.effectiveTo.getTime() > day);
}

/** Alive at some time in the year (Vietnamese calendar year, days as UTC midnight). */
export function isAliveDuringYear(u: { effectiveFrom: Date; effectiveTo?: Date | null }, year: number): boolean {
  return u.effectiveFrom.getTime() < Date.UTC(year + 1, 0, 1) && (u.effectiveTo == null || u.effectiveTo.getTime() > Date.UTC(year, 0, 1));
}

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

/** Every generation of units merged or closed into these ones, each once, asking `direct` for one unit's predecessors. */
async function allGenerationsBack(unitIds: readonly Types.ObjectId[], direct: (id: Types.ObjectId) => Promise<readonly Types.ObjectId[]>): Promise<Types.ObjectId[]> {
  const seen = new Set(unitIds.map(String));
  const out: Types.ObjectId[] = [];
  let frontier = [...unitIds];
  while (frontier.length) {
    const next: Types.ObjectId[] = [];
    for (const id of frontier) {
      for (const p of await direct(id)) {
        if (seen.has(String(p))) continue;
        seen.add(String(p));
        out.push(p);
        next.push(p);
      }
    }
    frontier = next;
  }
  return out;
}

/** The units merged or closed into these ones, every generation back, each once (from the tree in memory). */
export async function allPredecessorsOf(unitIds: readonly Types.ObjectId[]): Promise<Types.ObjectId[]> {
  const snapshot = await unitsSnapshot();
  return allGenerationsBack(unitIds, async (id) => snapshot.byId(id)?.predecessorIds ?? []);
}

/**
 * The same, for the signed-in account's grants at the start of every request: from the tree kept in memory, asked
 * without fixing it for the request (`unmemoised`) — a reorganisation carried out in the request then still sees its
 * own moves in the tree it reads afterwards. (It was one `units` `_id` look-up per grant on every signed-in request.)
 */
async function predecessorsForGrants(unitIds: readonly Types.ObjectId[]): Promise<Types.ObjectId[]> {
  const snapshot = await unitsSnapshot.unmemoised();
  return allGenerationsBack(unitIds, async (id) => snapshot.byId(id)?.predecessorIds ?? []);
}
answerPredecessors(predecessorsForGrants);

/**
 * Where a unit's records of a year are reported: the unit itself while it still existed at the end of the year; once
 * merged or closed into a successor by then, that successor (followed on while it ended too) — the merger year's
 * records of a pre-reform commune roll up to the commune that exists at the year's end. A unit that ended without a
 * successor, or was split into several, stays itself (a split's records cannot be given to one of them).
 */
export function reportedUnder(tree: UnitsSnapshot, unitId: Types.ObjectId | string, year: number): UnitInfo | undefined {
  const yearEnd = Date.UTC(year + 1, 0, 1);
  let unit = tree.byId(unitId);
  const seen = new Set<string>();
  while (unit && unit.effectiveTo && unit.effectiveTo.getTime() <= yearEnd && (unit.successorIds ?? []).length === 1 && !seen.has(String(unit._id))) {
    seen.add(String(unit._id));
    const next = tree.byId(unit.successorIds[0]!);
    if (!next || next.effectiveFrom.getTime() >= yearEnd) break;
    unit = next;
  }
  return unit;
}

/**
 * Row labels that tell units apart: a unit's name, and when another unit of the list has the same name (a pre-reform
 * "Xã Mường Nhé" and the one formed in 2025), its code after it.
 */
export function distinctUnitLabels(units: readonly { _id: Types.ObjectId | string; name: string; code: string }[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const u of units) count.set(u.name, (count.get(u.name) ?? 0) + 1);
  return new Map(units.map((u) => [String(u._id), (count.get(u.name) ?? 0) > 1 ? `${u.name} (${u.code})` : u.name]));
}

/**
 * Units outside a root whose records of the year are reported under a unit inside it (merged into it by the year's
 * end): a successor commune's year includes its predecessors'. The outermost of them, each once; from memory.
 */
export async function predecessorsReportedUnder(tree: UnitsSnapshot, rootId: Types.ObjectId | string, year: number): Promise<UnitInfo[]> {
  const inside = tree.subtree(rootId);
  const insideIds = new Set(inside.map((u) => String(u._id)));
  const withPredecessors = inside.filter((u) => u.predecessorIds.length > 0).map((u) => u._id);
  if (withPredecessors.length === 0) return [];
  const rolled = (await allPredecessorsOf(withPredecessors))
    .filter((id) => !insideIds.has(String(id)))
    .map((id) => tree.byId(id))
    .filter((u): u is UnitInfo => !!u && insideIds.has(String(reportedUnder(tree, u._id, year)?._id)));
  const rolledIds = new Set(rolled.map((u) => String(u._id)));
  return rolled.filter((u) => !u.path.slice(0, -1).some((p) => rolledIds.has(String(p))));
}
