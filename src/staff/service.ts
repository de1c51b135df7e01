import { oneWriterPerDocument } from '../db/one-writer.js';
import { staffMember } from './readers.js';
import { isId } from '../shared/ids.js';
import { isDuplicateKey } from '../db/errors.js';
import { vietnamDay, vietnamYear } from '../shared/dates.js';
import { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { coversUnit, hasRole, scopeRoots } from '../auth/index.js';
import { accountByUsername, findAccount, linkStaff, unlinkStaff } from '../auth/index.js';
import { outermostUnits, unitById, unitsByIds, unitsSnapshot, isAliveAt } from '../units/index.js';
import { record } from '../audit/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../shared/errors.js';
import { PAGE_SIZE, pageInfo } from '../shared/pagination.js';
import { compareVietnamese, foldForSearch, vietnameseSortKey } from '../shared/text.js';
import { StaffModel, staffCodeKey, type Staff } from './model.js';
import { directoryRows, directoryRowsById } from './directory.js';
import type { StaffEditInput, StaffInput, StaffListQuery } from './schemas.js';
import { onReorganised, onSubtreeMoved, recordsChanged } from '../shared/changes.js';

export { importStaff, importTemplate } from './import.js';

const MANAGERS = ['admin', 'head'] as const;

export async function countActiveInScope(actor: Actor): Promise<number> {
  return (await directoryRows({ under: await outermostUnits(scopeRoots(actor, 'admin', 'head')), active: true })).length;
}

/**
 * One active staff member working at or under a unit, or null: from the directory kept in memory (the public report
 * form lists the people from it too), not one `_id` read per report.
 */
export async function activeStaffMember(staffId: Types.ObjectId, unitId: Types.ObjectId): Promise<{ _id: Types.ObjectId; fullName: string; position: string } | null> {
  const staff = (await directoryRowsById([staffId])).get(String(staffId));
  return staff && staff.active && staff.unitIds.has(String(unitId)) ? { _id: staff._id, fullName: staff.fullName, position: staff.position } : null;
}

/** Full names by id, from the directory; unknown ids are left out. */
export async function staffNames(ids: readonly (Types.ObjectId | string)[]): Promise<Map<string, string>> {
  return new Map([...(await directoryRowsById(ids))].map(([id, row]) => [id, row.fullName]));
}

function assertManager(actor: Actor): void {
  if (!hasRole(actor, ...MANAGERS)) throw new Forbidden();
}

/** Units the actor manages, in tree order, for the unit selects. */
export async function unitOptions(actor: Actor, opts: { openOnly?: boolean } = {}) {
  const roots = scopeRoots(actor, ...MANAGERS);
  if (!roots.length) return [];
  const snapshot = await unitsSnapshot();
  const units = snapshot.under(roots).filter((u) => !opts.openOnly || isAliveAt(u));
  const ids = new Set(units.map((u) => String(u._id)));
  const children = new Map<string, typeof units>();
  for (const u of units) {
    const parent = u.parentId && ids.has(String(u.parentId)) ? String(u.parentId) : '';
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: { id: string; name: string; code: string; level: number }[] = [];
  const walk = (parent: string, level: number) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => compareVietnamese(a.name, b.name))) {
      out.push({ id: String(u._id), name: u.name, code: u.code, level });
      walk(String(u._id), level + 1);
    }
  };
  walk('', 0);
  return out;
}

export async function listStaff(actor: Actor, query: StaffListQuery) {
  assertManager(actor);
  let under = await outermostUnits(scopeRoots(actor, ...MANAGERS));
  if (query.unitId) {
    const unit = isId(query.unitId) ? (await unitsSnapshot()).byId(query.unitId) : undefined;
    if (!unit || !coversUnit(actor, unit.path, ...MANAGERS)) throw new Forbidden();
    under = [unit._id];
  }
  const q = foldForSearch(query.q);
  const matching = await directoryRows({
    under,
    category: query.category || undefined,
    active: query.active ? query.active === 'true' : undefined,
    text: q ? { folded: q, code: query.q.trim().toUpperCase() } : undefined,
  });
  const pager = pageInfo(query.page, matching.length);
  const docs = matching.slice((pager.page - 1) * PAGE_SIZE, pager.page * PAGE_SIZE);
  const unitNames = await namesOfUnits(docs.map((d) => d.unitId));
  const rows = docs.map((d) => ({
    id: String(d._id),
    fullName: d.fullName,
    position: d.position,
    unitName: unitNames.get(String(d.unitId)) ?? '',
    birthYear: d.birthYear,
    category: d.category,
    active: d.active,
    staffCode: d.staffCode,
  }));
  return { rows, pager };
}

async function namesOfUnits(ids: Types.ObjectId[]): Promise<Map<string, string>> {
  const snapshot = await unitsSnapshot();
  return new Map(ids.map((id) => [String(id), snapshot.byId(id)?.name ?? '']));
}

function isOwnRecord(actor: Actor, staff: Pick<Staff, '_id' | 'userId'>): boolean {
  return (actor.staffId != null && String(actor.staffId) === String(staff._id)) || (staff.userId != null && String(staff.userId) === String(actor.userId));
}

async function loadVisible(actor: Actor, id: string) {
  if (!isId(id)) throw new NotFound();
  const staff = await StaffModel.findById(id).lean();
  if (!staff) throw new NotFound();
  const canManage = coversUnit(actor, staff.unitPath, ...MANAGERS);
  if (!canManage && !isOwnRecord(actor, staff)) throw new Forbidden();
  return { staff, canManage };
}

/** For the edit form's `authorize`: a manager whose scope holds the record. */
export async function assertMayEdit(actor: Actor, id: string): Promise<void> {
  if (!(await loadVisible(actor, id)).canManage) throw new Forbidden();
}

/** One record for display: managers see their scope, anyone sees their own record. */
export async function getStaff(actor: Actor, id: string) {
  const { staff, canManage } = await loadVisible(actor, id);
  const [unit, login] = await Promise.all([
    unitById(staff.unitId),
    staff.userId ? findAccount(staff.userId) : null,
  ]);
  return {
    id: String(staff._id),
    fullName: staff.fullName,
    position: staff.position,
    unitName: unit?.name ?? '',
    unitCode: unit?.code ?? '',
    birthYear: staff.birthYear,
    gender: staff.gender,
    category: staff.category,
    educationLevel: staff.educationLevel,
    politicalTheoryLevel: staff.politicalTheoryLevel,
    generalEducation: staff.generalEducation ?? 'unknown',
    staffCode: staff.staffCode,
    active: staff.active,
    username: login?.username ?? '',
    canEdit: canManage,
  };
}

/** The signed-in person's own record id, if their login is linked to one. */
export async function ownStaffId(actor: Actor): Promise<string | null> {
  const or: Record<string, unknown>[] = [{ userId: actor.userId }];
  if (actor.staffId) or.unshift({ _id: actor.staffId });
  const staff = await StaffModel.findOne({ $or: or }).select('_id').lean();
  return staff ? String(staff._id) : null;
}

/** Form values for the edit page. */
export async function staffForEdit(actor: Actor, id: string) {
  const { staff, canManage } = await loadVisible(actor, id);
  if (!canManage) throw new Forbidden();
  const login = staff.userId ? await findAccount(staff.userId) : null;
  return {
    fullName: staff.fullName,
    position: staff.position,
    unitId: String(staff.unitId),
    birthYear: String(staff.birthYear),
    gender: staff.gender,
    category: staff.category,
    educationLevel: staff.educationLevel,
    politicalTheoryLevel: staff.politicalTheoryLevel,
    generalEducation: staff.generalEducation ?? 'unknown',
    staffCode: staff.staffCode,
    username: login?.username ?? '',
    active: staff.active,
    version: String(staff.version),
  };
}

/** Checks that would need the database; all problems are reported together. */
async function checkWrite(actor: Actor, input: StaffInput, staffId: Types.ObjectId) {
  const errors: FieldErrors = {};
  const unit = await unitById(input.unitId);
  if (!unit) errors.unitId = 'staff.validation.unitUnknown';
  else if (!coversUnit(actor, unit.path, ...MANAGERS)) throw new Forbidden();
  else if (!isAliveAt(unit)) errors.unitId = 'staff.validation.unitClosed';

  const codeKey = staffCodeKey(input.staffCode, staffId);
  if (input.staffCode && (await StaffModel.exists({ codeKey, _id: { $ne: staffId } }))) errors.staffCode = 'staff.validation.staffCodeTaken';

  let userId: Types.ObjectId | null = null;
  if (input.username) {
    const found = await findLinkableLogin(actor, input.username, staffId);
    if (typeof found === 'string') errors.username = found;
    else userId = found;
  }
  if (Object.keys(errors).length || !unit) throw new ValidationFailed(errors);
  return {
    fullName: input.fullName.normalize('NFC'),
    sortKey: vietnameseSortKey(input.fullName),
    searchName: foldForSearch(input.fullName),
    position: input.position,
    unitId: unit._id,
    unitPath: unit.path,
    birthYear: input.birthYear,
    gender: input.gender,
    category: input.category,
    educationLevel: input.educationLevel,
    politicalTheoryLevel: input.politicalTheoryLevel,
    ...(input.generalEducation ? { generalEducation: input.generalEducation } : {}),
    staffCode: input.staffCode,
    codeKey,
    active: input.active,
    userId,
  };
}

/** A login may be linked when it works in the actor's units and is not someone else's. */
async function findLinkableLogin(actor: Actor, username: string, staffId: Types.ObjectId): Promise<Types.ObjectId | string> {
  const user = await accountByUsername(username);
  if (!user) return 'staff.validation.usernameUnknown';
  const grantUnits = user.roles.map((g) => g.unitId);
  const inScope = (await unitsByIds(grantUnits)).some((u) => coversUnit(actor, u.path, ...MANAGERS));
  if (!inScope) return 'staff.validation.usernameUnknown';
  if (user.staffId && String(user.staffId) !== String(staffId)) return 'staff.validation.usernameTaken';
  if (await StaffModel.exists({ userId: user._id, _id: { $ne: staffId } })) return 'staff.validation.usernameTaken';
  return user._id;
}

/** Second, idempotent step (no transactions): the login points back at its staff record, so the actor knows who they are. */
async function syncLoginLink(staffId: Types.ObjectId, previousUserId: Types.ObjectId | null, userId: Types.ObjectId | null) {
  if (previousUserId && String(previousUserId) !== String(userId)) await unlinkStaff(previousUserId, staffId);
  if (userId) await linkStaff(userId, staffId);
}

const AUDITED = ['fullName', 'position', 'unitId', 'birthYear', 'gender', 'category', 'educationLevel', 'politicalTheoryLevel', 'generalEducation', 'staffCode', 'active', 'userId'] as const;
const audited = (s: Partial<Record<(typeof AUDITED)[number], unknown>>) => Object.fromEntries(AUDITED.map((k) => [k, s[k] ?? null]));

export async function createStaff(actor: Actor, input: StaffInput): Promise<string> {
  assertManager(actor);
  const _id = new Types.ObjectId();
  const fields = await checkWrite(actor, input, _id);
  try {
    await StaffModel.create({ _id, ...fields });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationFailed({ staffCode: 'staff.validation.staffCodeTaken' });
    throw err;
  }
  await syncLoginLink(_id, null, fields.userId);
  await recordsChanged(fields.unitPath, thisYear());
  await record({ actor, objectType: 'staff', objectId: _id, action: 'create', after: audited(fields), unitPath: fields.unitPath });
  return String(_id);
}

export async function updateStaff(actor: Actor, id: string, input: StaffEditInput): Promise<void> {
  const { staff, canManage } = await loadVisible(actor, id);
  if (!canManage) throw new Forbidden();
  if (staff.version !== input.version) throw new Conflict();
  const fields = await checkWrite(actor, input, staff._id);
  // History for past years' headcounts: the unit left (and until when), the day the person stopped working.
  const history = historyOf(staff, fields);
  const result = await oneWriterPerDocument(StaffModel, staff._id, () => StaffModel.updateOne({ _id: staff._id, version: input.version }, { $set: { ...fields, ...history.set }, ...history.push, $inc: { version: 1 } }));
  if (result.matchedCount === 0) throw new Conflict();
  await syncLoginLink(staff._id, staff.userId ?? null, fields.userId);
  await recordsChanged(staff.unitPath, thisYear());
  await recordsChanged(fields.unitPath, thisYear());
  await record({ actor, objectType: 'staff', objectId: staff._id, action: 'update', before: audited(staff), after: audited(fields), unitPath: fields.unitPath });
}

/** What an edit adds to the person's history: the unit they leave, and the day they stop (or start again) working. */
function historyOf(before: Pick<Staff, 'unitId' | 'unitPath' | 'active'>, after: { unitId: Types.ObjectId; active?: boolean }) {
  const today = vietnamDay();
  const set: Record<string, unknown> = {};
  if (before.active !== false && after.active === false) set.inactiveSince = today;
  if (before.active === false && after.active !== false) set.inactiveSince = null;
  const push = before.unitId.equals(after.unitId)
    ? {}
    : { $push: { unitHistory: { unitId: before.unitId, unitPath: before.unitPath, until: today } }, $addToSet: { formerUnitPath: { $each: before.unitPath } } };
  return { set, push };
}

/** After units move in the tree, the staff working in them follow: their stored unitPath is refreshed. Idempotent. */
onSubtreeMoved((unitIds) => followUnitPaths(unitIds));

async function followUnitPaths(unitIds: readonly Types.ObjectId[]): Promise<void> {
  const units = await unitsByIds(unitIds);
  const ops = units.map((u) => ({ updateMany: { filter: { unitId: u._id }, update: { $set: { unitPath: u.path } } } }));
  if (ops.length) await StaffModel.bulkWrite(ops, { ordered: false });
  for (const u of units) await recordsChanged(u.path, thisYear());
}

/**
 * On the day a unit merges into another or closes with a successor, the people working directly in it move there (a
 * sub-unit such as the desk moves whole, with its people). The move is audited as the system's. Idempotent.
 */
onReorganised(({ endedUnitIds, successorId }) => moveToSuccessor(endedUnitIds, successorId));

async function moveToSuccessor(endedUnitIds: readonly Types.ObjectId[], successorId: Types.ObjectId): Promise<void> {
  const successor = await unitById(successorId);
  if (!successor) return;
  for (const endedId of endedUnitIds) {
    const people = await StaffModel.find({ unitId: endedId, active: true }).lean<Staff[]>();
    for (const person of people) {
      const moved = { unitId: successor._id, unitPath: successor.path };
      const left = { unitId: endedId, unitPath: person.unitPath, until: vietnamDay() };
      await oneWriterPerDocument(StaffModel, person._id, () => StaffModel.updateOne({ _id: person._id, unitId: endedId }, { $set: moved, $push: { unitHistory: left }, $addToSet: { formerUnitPath: { $each: person.unitPath } }, $inc: { version: 1 } }));
      await record({ actor: null, objectType: 'staff', objectId: person._id, action: 'transfer', before: audited(person), after: audited({ ...person, ...moved }), unitPath: successor.path });
    }
    if (people.length) {
      await recordsChanged(people[0]!.unitPath, thisYear());
      await recordsChanged(successor.path, thisYear());
    }
  }
}

/** Staff counts are today's roster: a change to it touches this year's figures. */
const thisYear = () => vietnamYear();
