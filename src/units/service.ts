import { oneWriterPerDocument } from '../db/one-writer.js';
import { isId } from '../shared/ids.js';
import { reorganised, subtreeMoved, unitsChanged } from '../shared/changes.js';
import { isAliveAt } from './snapshot.js';
import { isDuplicateKey } from '../db/errors.js';
import { Types } from 'mongoose';
import { coversUnit, hasRole, scopeRoots, type Actor } from '../auth/index.js';
import type { Role } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { vietnamDay } from '../shared/dates.js';
import { compareVietnamese, escapeRegex, foldForSearch } from '../shared/text.js';
import { COMMUNE_KINDS, UNIT_KINDS, UnitChangeModel, UnitModel, newUnitFields, type NewUnit, type Unit, type UnitChange, type UnitKind } from './model.js';

type Id = Types.ObjectId | string;

export interface UnitSummary {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  depth: number;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  /** The end date has passed: the unit no longer exists (it still shows in history). */
  ended: boolean;
}
export interface UnitNode extends UnitSummary {
  children: UnitNode[];
}

// ---------- reading ----------

export function summary(u: Unit, now = new Date()): UnitSummary {
  const effectiveTo = u.effectiveTo ?? null;
  return {
    id: String(u._id),
    code: u.code,
    name: u.name,
    kind: u.kind as UnitKind,
    depth: u.depth,
    effectiveFrom: u.effectiveFrom,
    effectiveTo,
    ended: effectiveTo !== null && effectiveTo <= now,
  };
}

/** Kind first (province before commune before desk), then the Vietnamese name. */
export function compareUnits(a: { kind: string; name: string }, b: { kind: string; name: string }): number {
  return UNIT_KINDS.indexOf(a.kind as UnitKind) - UNIT_KINDS.indexOf(b.kind as UnitKind) || compareVietnamese(a.name, b.name);
}

function aliveFilter(at: Date) {
  return { $or: [{ effectiveTo: null }, { effectiveTo: { $gt: at } }] };
}

export async function findUnitOr404(id: Id): Promise<Unit> {
  if (!isId(id)) throw new NotFound();
  const unit = await UnitModel.findById(id).lean<Unit>();
  if (!unit) throw new NotFound();
  return unit;
}

/** Units under the actor's grants (admin and head by default); ended units only when asked. */
export async function unitsInScope(actor: Actor, opts: { includeClosed?: boolean; roles?: Role[] } = {}): Promise<Unit[]> {
  const roots = scopeRoots(actor, ...(opts.roles ?? ['admin', 'head']));
  if (roots.length === 0) return [];
  const filter = opts.includeClosed ? { path: { $in: roots } } : { path: { $in: roots }, ...aliveFilter(new Date()) };
  return UnitModel.find(filter).lean<Unit[]>();
}

function buildTree(units: Unit[]): UnitNode[] {
  const now = new Date();
  const nodes = new Map(units.map((u) => [String(u._id), { ...summary(u, now), children: [] as UnitNode[] }]));
  const roots: UnitNode[] = [];
  for (const u of units) {
    const node = nodes.get(String(u._id))!;
    const parent = u.parentId ? nodes.get(String(u.parentId)) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: UnitNode[]) => {
    list.sort(compareUnits);
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

export async function listTree(actor: Actor, opts: { includeClosed?: boolean } = {}): Promise<UnitNode[]> {
  return buildTree(await unitsInScope(actor, { includeClosed: opts.includeClosed }));
}

/** Active units the actor administers, in tree order, for pickers (parent, target, successor). */
export async function pickerOptions(actor: Actor, opts: { exclude?: Id[]; excludeSubtreeOf?: Id } = {}): Promise<UnitSummary[]> {
  const units = await unitsInScope(actor, { roles: ['admin'] });
  const excluded = new Set((opts.exclude ?? []).map(String));
  const out: UnitSummary[] = [];
  const walk = (list: UnitNode[]) => {
    for (const n of list) {
      if (opts.excludeSubtreeOf && String(opts.excludeSubtreeOf) === n.id) continue;
      const { children, ...s } = n;
      if (!excluded.has(n.id)) out.push(s);
      walk(children);
    }
  };
  walk(buildTree(units));
  return out;
}

/** Units that may be merged together with this one: same level, in scope, alive, not above or below it. */
export async function mergeCandidates(actor: Actor, unit: Unit): Promise<UnitSummary[]> {
  const level = COMMUNE_KINDS.includes(unit.kind as UnitKind) ? COMMUNE_KINDS : [unit.kind as UnitKind];
  const units = await unitsInScope(actor, { roles: ['admin'] });
  return units
    .filter((u) => level.includes(u.kind as UnitKind) && !u._id.equals(unit._id))
    .filter((u) => !u.path.some((id) => id.equals(unit._id)) && !unit.path.some((id) => id.equals(u._id)))
    .sort(compareUnits)
    .map((u) => summary(u));
}

export interface HistoryEntry {
  id: string;
  kind: UnitChange['kind'];
  effectiveDate: Date;
  subject: UnitSummary | null;
  from: UnitSummary[];
  to: UnitSummary[];
  legalBasis: string;
  note: string;
  oldName: string;
  newName: string;
  oldCode: string;
  newCode: string;
}

export async function getUnit(actor: Actor, id: string) {
  const unit = await findUnitOr404(id);
  if (!coversUnit(actor, unit.path, 'admin', 'head')) throw new Forbidden();
  const [children, changes] = await Promise.all([
    UnitModel.find({ parentId: unit._id }).lean<Unit[]>(),
    UnitChangeModel.find({ $or: [{ fromUnitIds: unit._id }, { toUnitIds: unit._id }, { subjectId: unit._id }] })
      .sort({ effectiveDate: -1, createdAt: -1 })
      .lean<UnitChange[]>(),
  ]);
  const relatedIds = new Set<string>([...unit.predecessorIds, ...unit.successorIds].map(String));
  if (unit.parentId) relatedIds.add(String(unit.parentId));
  for (const c of changes) for (const x of [...c.fromUnitIds, ...c.toUnitIds, ...(c.subjectId ? [c.subjectId] : [])]) relatedIds.add(String(x));
  const related = await UnitModel.find({ _id: { $in: [...relatedIds] } }).lean<Unit[]>();
  const byId = new Map(related.map((u) => [String(u._id), summary(u)]));
  const pick = (ids: Id[]) => ids.map((x) => byId.get(String(x))).filter((x): x is UnitSummary => !!x);
  const history: HistoryEntry[] = changes.map((c) => ({
    id: String(c._id),
    kind: c.kind,
    effectiveDate: c.effectiveDate,
    subject: c.subjectId ? (byId.get(String(c.subjectId)) ?? null) : null,
    from: pick(c.fromUnitIds),
    to: pick(c.toUnitIds),
    legalBasis: c.legalBasis ?? '',
    note: c.note ?? '',
    oldName: c.oldName ?? '',
    newName: c.newName ?? '',
    oldCode: c.oldCode ?? '',
    newCode: c.newCode ?? '',
  }));
  return {
    unit: { ...summary(unit), version: unit.version ?? 0, parentId: unit.parentId ? String(unit.parentId) : null },
    parent: unit.parentId ? (byId.get(String(unit.parentId)) ?? null) : null,
    children: children.sort(compareUnits).map((u) => summary(u)),
    predecessors: pick(unit.predecessorIds).sort(compareUnits),
    successors: pick(unit.successorIds).sort(compareUnits),
    history,
    canManage: canAdminister(actor, unit),
  };
}

/** Follows successorIds to the units alive today: where a past unit's records roll up. */
export async function successorsOf(unitId: Id): Promise<UnitSummary[]> {
  const now = new Date();
  const found = new Map<string, Unit>();
  const seen = new Set<string>();
  let frontier = [String(unitId)];
  while (frontier.length) {
    const units = await UnitModel.find({ _id: { $in: frontier } }).lean<Unit[]>();
    frontier = [];
    for (const u of units) {
      const id = String(u._id);
      if (seen.has(id)) continue;
      seen.add(id);
      if (u.successorIds.length > 0) frontier.push(...u.successorIds.map(String).filter((s) => !seen.has(s)));
      else if (isAliveAt(u, now)) found.set(id, u);
    }
  }
  return [...found.values()].sort(compareUnits).map((u) => summary(u, now));
}

/** For pickers: substring match on the folded name or a code prefix, prefix matches first. */
export async function searchUnits(query: string, opts: { limit?: number; includeClosed?: boolean } = {}): Promise<{ id: string; name: string; code: string }[]> {
  const q = foldForSearch(query).slice(0, 100);
  if (!q) return [];
  const limit = opts.limit ?? 20;
  const match = { $or: [{ searchName: { $regex: escapeRegex(q) } }, { code: { $regex: `^${escapeRegex(q)}`, $options: 'i' } }] };
  const filter = opts.includeClosed ? match : { $and: [match, aliveFilter(new Date())] };
  const units = await UnitModel.find(filter).limit(200).lean<Unit[]>();
  const starts = (u: Unit) => (u.searchName.startsWith(q) || u.searchName.includes(` ${q}`) ? 0 : 1);
  return units
    .sort((a, b) => starts(a) - starts(b) || compareUnits(a, b))
    .slice(0, limit)
    .map((u) => ({ id: String(u._id), name: u.name, code: u.code }));
}

// ---------- rules ----------

export function canAdminister(actor: Actor, unit: Pick<Unit, 'path'>): boolean {
  return hasRole(actor, 'admin') && coversUnit(actor, unit.path, 'admin');
}

function assertAdminOf(actor: Actor, unit: Pick<Unit, 'path'>): void {
  if (!canAdminister(actor, unit)) throw new Forbidden();
}

/** A unit that already has an end date (past or scheduled) cannot be merged, split or closed again. */
function assertOpen(unit: Unit, field = '_form'): void {
  if (unit.effectiveTo) throw new ValidationFailed({ [field]: 'units.errors.alreadyClosed' }, 'units.errors.alreadyClosed');
}

function assertAfterStart(unit: Unit, date: Date, field = 'effectiveDate'): void {
  if (date <= unit.effectiveFrom) throw new ValidationFailed({ [field]: 'units.errors.dateBeforeStart' });
}

async function assertCodeFree(code: string, field: string, exceptId?: Types.ObjectId): Promise<void> {
  const filter = exceptId ? { code, _id: { $ne: exceptId } } : { code };
  if (await UnitModel.exists(filter)) throw new ValidationFailed({ [field]: 'units.errors.codeTaken' });
}

/** The parent of a new unit: must exist, be alive and lie in the administrator's scope. */
async function parentFor(actor: Actor, parentId: Id, field: string): Promise<Unit> {
  const parent = isId(parentId) ? await UnitModel.findById(parentId).lean<Unit>() : null;
  if (!parent) throw new ValidationFailed({ [field]: 'units.errors.parentRequired' });
  assertAdminOf(actor, parent);
  if (parent.effectiveTo && parent.effectiveTo <= new Date()) throw new ValidationFailed({ [field]: 'units.errors.parentClosed' });
  return parent;
}


function snapshot(u: Unit): Record<string, unknown> {
  return {
    code: u.code,
    name: u.name,
    kind: u.kind,
    parentId: u.parentId ? String(u.parentId) : null,
    effectiveFrom: u.effectiveFrom,
    effectiveTo: u.effectiveTo ?? null,
    successorIds: u.successorIds.map(String),
    predecessorIds: u.predecessorIds.map(String),
  };
}

async function recordUnit(actor: Actor | null, action: string, before: Unit | null, after: Unit): Promise<void> {
  await audit.record({ actor, objectType: 'unit', objectId: after._id, action, before: before ? snapshot(before) : null, after: snapshot(after), unitPath: after.path });
}

async function insertUnit(input: NewUnit, codeField: string): Promise<Unit> {
  try {
    const doc = await UnitModel.create(newUnitFields(input));
    return doc.toObject() as Unit;
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationFailed({ [codeField]: 'units.errors.codeTaken' });
    throw err;
  }
}

// ---------- use cases ----------

export async function createUnit(actor: Actor, input: { code: string; name: string; kind: UnitKind; parentId: Id; effectiveFrom: Date; effectiveTo?: Date | null }): Promise<Unit> {
  if (!hasRole(actor, 'admin')) throw new Forbidden();
  const parent = await parentFor(actor, input.parentId, 'parentId');
  await assertCodeFree(input.code, 'code');
  const unit = await insertUnit({ ...input, parent }, 'code');
  await UnitChangeModel.create({ kind: 'create', effectiveDate: unit.effectiveFrom, subjectId: unit._id, toUnitIds: [parent._id], actorId: actor.userId, newName: unit.name, newCode: unit.code });
  await recordUnit(actor, 'create', null, unit);
  return unit;
}

export async function updateUnit(actor: Actor, id: string, input: { version: number; code: string; name: string; kind: UnitKind; effectiveFrom: Date; effectiveTo?: Date | null }): Promise<Unit> {
  const unit = await findUnitOr404(id);
  assertAdminOf(actor, unit);
  if (input.version !== (unit.version ?? 0)) throw new Conflict();
  // Ending a unit is a reorganisation with its own record; the form only corrects an existing end date.
  if (!unit.effectiveTo && input.effectiveTo) throw new ValidationFailed({ effectiveTo: 'units.errors.useClose' });
  if (unit.effectiveTo && !input.effectiveTo) throw new ValidationFailed({ effectiveTo: 'units.errors.cannotReopen' });
  if (input.code !== unit.code) await assertCodeFree(input.code, 'code', unit._id);
  const changes = { code: input.code, name: input.name, searchName: foldForSearch(input.name), kind: input.kind, effectiveFrom: input.effectiveFrom, effectiveTo: input.effectiveTo ?? null };
  let result;
  try {
    result = await oneWriterPerDocument(UnitModel, unit._id, () => UnitModel.updateOne({ _id: unit._id, version: input.version }, { $set: changes, $inc: { version: 1 } }));
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationFailed({ code: 'units.errors.codeTaken' });
    throw err;
  }
  if (result.matchedCount === 0) throw new Conflict();
  const after = (await UnitModel.findById(unit._id).lean<Unit>())!;
  if (unit.name !== after.name || unit.code !== after.code) {
    await UnitChangeModel.create({ kind: 'rename', effectiveDate: vietnamDay(), subjectId: unit._id, actorId: actor.userId, oldName: unit.name, newName: after.name, oldCode: unit.code, newCode: after.code });
  }
  await recordUnit(actor, 'update', unit, after);
  return after;
}

export type MergeTarget = { unitId: Id } | { code: string; name: string; kind: UnitKind; parentId: Id };

export async function mergeUnits(actor: Actor, input: { sourceIds: Id[]; target: MergeTarget; effectiveDate: Date; legalBasis?: string; note?: string }): Promise<Unit> {
  if (!hasRole(actor, 'admin')) throw new Forbidden();
  const sourceIds = [...new Set(input.sourceIds.map(String))];
  const sources = await Promise.all(sourceIds.map((id) => findUnitOr404(id)));
  for (const s of sources) {
    assertAdminOf(actor, s);
    assertOpen(s, 'sourceIds');
    assertAfterStart(s, input.effectiveDate);
  }
  const insideASource = (u: Unit) => u.path.some((id) => sourceIds.includes(String(id)));
  let target: Unit;
  if ('unitId' in input.target) {
    if (sourceIds.includes(String(input.target.unitId))) throw new ValidationFailed({ targetId: 'units.errors.mergeIntoSelf' });
    if (sources.length < 1) throw new ValidationFailed({ sourceIds: 'units.errors.mergeNeedsTwo' });
    target = await findUnitOr404(input.target.unitId);
    assertAdminOf(actor, target);
    assertOpen(target, 'targetId');
    if (insideASource(target)) throw new ValidationFailed({ targetId: 'units.errors.targetInsideSource' });
  } else {
    if (sources.length < 2) throw new ValidationFailed({ sourceIds: 'units.errors.mergeNeedsTwo' });
    const parent = await parentFor(actor, input.target.parentId, 'newParentId');
    if (insideASource(parent)) throw new ValidationFailed({ newParentId: 'units.errors.targetInsideSource' });
    await assertCodeFree(input.target.code, 'newCode');
    // Step 1: the new unit. A crash after this leaves an ordinary unit that can be the target of a retry.
    target = await insertUnit({ ...input.target, parent, effectiveFrom: input.effectiveDate }, 'newCode');
    await recordUnit(actor, 'create', null, target);
  }
  // Step 2: the change record states the intent; step 3 applies it and can be re-run (repairUnfinishedChanges).
  const change = await UnitChangeModel.create({
    kind: 'merge',
    effectiveDate: input.effectiveDate,
    fromUnitIds: sources.map((s) => s._id),
    toUnitIds: [target._id],
    legalBasis: input.legalBasis ?? '',
    note: input.note ?? '',
    actorId: actor.userId,
  });
  await scheduleChange(actor, change.toObject() as UnitChange);
  return (await UnitModel.findById(target._id).lean<Unit>())!;
}

export async function splitUnit(actor: Actor, input: { sourceId: Id; newUnits: { code: string; name: string; kind: UnitKind }[]; effectiveDate: Date; legalBasis?: string; note?: string }): Promise<Unit[]> {
  const source = await findUnitOr404(input.sourceId);
  assertAdminOf(actor, source);
  assertOpen(source);
  assertAfterStart(source, input.effectiveDate);
  if (input.newUnits.length < 2) throw new ValidationFailed({ newUnits: 'units.errors.splitNeedsTwo' });
  const errors: Record<string, string> = {};
  const codes = input.newUnits.map((u) => u.code);
  for (const [i, u] of input.newUnits.entries()) {
    if (codes.indexOf(u.code) !== i) errors[`newUnits.${i}.code`] = 'units.errors.duplicateInForm';
    else if (await UnitModel.exists({ code: u.code })) errors[`newUnits.${i}.code`] = 'units.errors.codeTaken';
  }
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  const parent = source.parentId ? await UnitModel.findById(source.parentId).lean<Unit>() : null;
  const created: Unit[] = [];
  for (const [i, u] of input.newUnits.entries()) {
    const unit = await insertUnit({ ...u, parent, effectiveFrom: input.effectiveDate }, `newUnits.${i}.code`);
    await recordUnit(actor, 'create', null, unit);
    created.push(unit);
  }
  const change = await UnitChangeModel.create({
    kind: 'split',
    effectiveDate: input.effectiveDate,
    fromUnitIds: [source._id],
    toUnitIds: created.map((u) => u._id),
    legalBasis: input.legalBasis ?? '',
    note: input.note ?? '',
    actorId: actor.userId,
  });
  await scheduleChange(actor, change.toObject() as UnitChange);
  return UnitModel.find({ _id: { $in: created.map((u) => u._id) } }).lean<Unit[]>();
}

export async function closeUnit(actor: Actor, input: { unitId: Id; effectiveDate: Date; successorId?: Id | null; legalBasis?: string; note?: string }): Promise<Unit> {
  const unit = await findUnitOr404(input.unitId);
  assertAdminOf(actor, unit);
  assertOpen(unit);
  assertAfterStart(unit, input.effectiveDate);
  let successor: Unit | null = null;
  if (input.successorId) {
    successor = isId(input.successorId) ? await UnitModel.findById(input.successorId).lean<Unit>() : null;
    if (!successor || successor.effectiveTo || successor.path.some((id) => id.equals(unit._id))) throw new ValidationFailed({ successorId: 'units.errors.successorInvalid' });
    assertAdminOf(actor, successor);
  } else if (await UnitModel.exists({ parentId: unit._id, ...aliveFilter(input.effectiveDate) })) {
    throw new ValidationFailed({ successorId: 'units.errors.hasActiveChildren' });
  }
  const change = await UnitChangeModel.create({
    kind: 'close',
    effectiveDate: input.effectiveDate,
    fromUnitIds: [unit._id],
    toUnitIds: successor ? [successor._id] : [],
    legalBasis: input.legalBasis ?? '',
    note: input.note ?? '',
    actorId: actor.userId,
  });
  await scheduleChange(actor, change.toObject() as UnitChange);
  return (await UnitModel.findById(unit._id).lean<Unit>())!;
}

// ---------- applying a reorganisation (idempotent: safe to re-run after a crash) ----------

/** A change takes effect on its day (Việt Nam calendar), not before. */
const isDue = (change: Pick<UnitChange, 'effectiveDate'>, now = new Date()) => change.effectiveDate.getTime() <= vietnamDay(now).getTime();

/**
 * Records the end date and successors on the units that end (pickers and forms keep them until that day: isAliveAt),
 * and carries the change out at once when its day has come; a later one waits for applyDueChanges.
 */
async function scheduleChange(actor: Actor, change: UnitChange): Promise<void> {
  if (isDue(change)) await applyChange(actor, change);
  else await markEnding(actor, change);
}

async function markEnding(actor: Actor | null, change: UnitChange): Promise<void> {
  const from = change.fromUnitIds;
  const before = await UnitModel.find({ _id: { $in: from }, effectiveTo: null }).lean<Unit[]>();
  if (before.length === 0) return;
  await UnitModel.updateMany({ _id: { $in: before.map((u) => u._id) }, effectiveTo: null }, { $set: { effectiveTo: change.effectiveDate, successorIds: change.toUnitIds }, $inc: { version: 1 } });
  const after = await UnitModel.find({ _id: { $in: before.map((u) => u._id) } }).lean<Unit[]>();
  for (const u of after) await recordUnit(actor, change.kind, before.find((x) => x._id.equals(u._id)) ?? null, u);
  // No unitsChanged here: the figures change when the change is carried out (applyChange says so after the moves;
  // a listener reading the unit tree earlier in the request would keep that tree for the rest of it).
}

/**
 * On the effective date: successors take over the ended units' history (predecessors), their live sub-units, and —
 * after a merger or a closure with a successor — the people and the grants on them; the change is then marked done.
 * A split leaves people and grants for the administrator to place (there is no one successor to give them to).
 */
async function applyChange(actor: Actor | null, change: UnitChange): Promise<void> {
  const from = change.fromUnitIds;
  const to = change.toUnitIds;
  if (to.length) {
    const before = await UnitModel.find({ _id: { $in: to } }).lean<Unit[]>();
    await UnitModel.updateMany({ _id: { $in: to } }, { $addToSet: { predecessorIds: { $each: from } } });
    const after = await UnitModel.find({ _id: { $in: to } }).lean<Unit[]>();
    for (const u of after) {
      const b = before.find((x) => x._id.equals(u._id)) ?? null;
      if (b && b.predecessorIds.length !== u.predecessorIds.length) await recordUnit(actor, change.kind, b, u);
    }
    // Sub-units still alive on the effective date (e.g. the one-stop desk) go to the first successor.
    const heir = after.find((u) => u._id.equals(to[0]!));
    if (heir) {
      const children = await UnitModel.find({ parentId: { $in: from }, ...aliveFilter(change.effectiveDate) }).lean<Unit[]>();
      for (const child of children) await moveSubtree(actor, child, heir, change.effectiveDate);
    }
  }
  await unitsChanged([...from, ...to]);
  await markEnding(actor, change);
  if (to.length && change.kind !== 'split') await reorganised({ endedUnitIds: from, successorId: to[0]! });
  await UnitChangeModel.updateOne({ _id: change._id }, { $set: { appliedAt: new Date() } });
}

/**
 * Re-parents a unit and rewrites the path of everything below it. Descendants are written first and
 * the unit's own parentId last, so a crash midway is finished by running the same move again.
 */
async function moveSubtree(actor: Actor | null, unit: Unit, newParent: Unit, effectiveDate: Date): Promise<void> {
  const subtree = await UnitModel.find({ path: unit._id }).lean<Unit[]>();
  const rewrite = (u: Unit) => {
    const at = u.path.findIndex((id) => id.equals(unit._id));
    return [...newParent.path, ...u.path.slice(at)];
  };
  const ops = subtree
    .filter((u) => !u._id.equals(unit._id))
    .map((u) => {
      const path = rewrite(u);
      return { updateOne: { filter: { _id: u._id }, update: { $set: { path, depth: path.length - 1 }, $inc: { version: 1 } } } };
    });
  if (ops.length) await UnitModel.bulkWrite(ops, { ordered: true });
  const path = rewrite(unit);
  await UnitModel.updateOne({ _id: unit._id }, { $set: { parentId: newParent._id, path, depth: path.length - 1 }, $inc: { version: 1 } });
  await subtreeMoved(subtree.map((u) => u._id));
  await unitsChanged([unit._id, ...(unit.parentId ? [unit.parentId] : []), newParent._id]);
  const after = (await UnitModel.findById(unit._id).lean<Unit>())!;
  await UnitChangeModel.create({ kind: 'move', effectiveDate, subjectId: unit._id, fromUnitIds: unit.parentId ? [unit.parentId] : [], toUnitIds: [newParent._id], actorId: actor?.userId ?? null });
  await recordUnit(actor, 'move', unit, after);
}

/**
 * Carries out the mergers, splits and closures whose day has come and that are not done: those scheduled for a later
 * date, and those a crash interrupted (FerretDB has no transactions; every step can be run again). Changes recorded
 * before `appliedAt` existed are run once more, which also moves people and grants they left behind. Returns how many.
 */
export async function applyDueChanges(now = new Date()): Promise<number> {
  const pending = await UnitChangeModel.find({ appliedAt: null }).lean<UnitChange[]>();
  let applied = 0;
  for (const c of pending) {
    if (!['merge', 'split', 'close'].includes(c.kind) || !isDue(c, now)) continue;
    await applyChange(null, c);
    applied++;
  }
  return applied;
}

/** Runs applyDueChanges hourly, so a change dated today takes effect within the hour of the day starting. */
export function startReorganisationJob(log: (err: unknown) => void, everyMs = 60 * 60_000): () => void {
  const timer = setInterval(() => void applyDueChanges().catch(log), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
