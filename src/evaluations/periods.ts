import { Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import { coversUnit, scopeRoots } from '../auth/actor.js';
import { record } from '../audit/service.js';
import { versionInForce } from '../code/service.js';
import { StaffModel } from '../staff/model.js';
import { UnitModel } from '../units/model.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { EvaluationModel, PeriodModel, type Evaluation, type Period, type PeriodKind } from './model.js';
import { repairResultRecords, RESULT_SOURCE_FIELDS, saveResultRecords } from './results-store.js';
import { reportingUnitOn, unitsById, type UnitInfo } from './lookups.js';

const DAY = 86_400_000;

/** The key and calendar bounds of a period; `endDate` is the last day, stored as UTC midnight. */
export function periodBounds(kind: PeriodKind, year: number, number: number): { periodKey: string; startDate: Date; endDate: Date } {
  if (kind === 'yearly') return { periodKey: String(year), startDate: new Date(Date.UTC(year, 0, 1)), endDate: new Date(Date.UTC(year, 11, 31)) };
  if (kind === 'quarterly') {
    const first = (number - 1) * 3;
    return { periodKey: `${year}-Q${number}`, startDate: new Date(Date.UTC(year, first, 1)), endDate: new Date(Date.UTC(year, first + 3, 0)) };
  }
  return { periodKey: `${year}-${String(number).padStart(2, '0')}`, startDate: new Date(Date.UTC(year, number - 1, 1)), endDate: new Date(Date.UTC(year, number, 0)) };
}

/** The first instant after the period's last day: ranges are [startDate, endExclusive). */
export function endExclusive(p: Pick<Period, 'endDate'>): Date {
  return new Date(p.endDate.getTime() + DAY);
}

/** Overdue once the whole deadline day has passed. */
export function isPastDeadline(p: Pick<Period, 'deadline'>, now: Date): boolean {
  return now.getTime() >= p.deadline.getTime() + DAY;
}

export function canManagePeriod(actor: Actor, period: Pick<Period, 'unitPath'>): boolean {
  return coversUnit(actor, period.unitPath, 'admin', 'head');
}

/** Only a level strictly above the opening unit reopens; the province administrator for province-level periods. */
export function canReopenPeriod(actor: Actor, period: Pick<Period, 'unitPath' | 'unitId'>): boolean {
  const above = period.unitPath.slice(0, -1).map(String);
  return actor.roles.some(
    (g) =>
      (['admin', 'head'].includes(g.role) && above.includes(String(g.unitId))) ||
      (period.unitPath.length === 1 && g.role === 'admin' && g.unitId.equals(period.unitId)),
  );
}

/** A period is visible to those who manage it and to heads of units inside it. */
export async function canSeePeriod(actor: Actor, period: Pick<Period, 'unitPath' | 'unitId'>): Promise<boolean> {
  if (canManagePeriod(actor, period)) return true;
  const roots = scopeRoots(actor, 'admin', 'head');
  if (roots.length === 0) return false;
  return (await UnitModel.countDocuments({ _id: { $in: roots }, path: period.unitId })) > 0;
}

export async function findPeriodOr404(id: string): Promise<Period> {
  if (!Types.ObjectId.isValid(id)) throw new NotFound();
  const period = await PeriodModel.findById(id).lean();
  if (!period) throw new NotFound();
  return period as Period;
}

function auditView(p: Period) {
  return { status: p.status, periodKey: p.periodKey, deadline: p.deadline, codeVersionId: p.codeVersionId, evaluationCount: p.evaluationCount };
}

export interface NewPeriodInput {
  unitId: string;
  kind: PeriodKind;
  year: number;
  number: number;
  deadline: Date;
}

export async function createPeriod(actor: Actor, input: NewPeriodInput): Promise<Period> {
  const unit = Types.ObjectId.isValid(input.unitId) ? await UnitModel.findById(input.unitId).lean() : null;
  if (!unit || unit.effectiveTo) throw new ValidationFailed({ unitId: 'validation.invalidChoice' });
  if (!coversUnit(actor, unit.path, 'admin', 'head')) throw new Forbidden();
  const max = input.kind === 'monthly' ? 12 : input.kind === 'quarterly' ? 4 : 1;
  const number = input.kind === 'yearly' ? 1 : input.number;
  if (number < 1 || number > max) throw new ValidationFailed({ number: 'validation.invalidChoice' });
  const bounds = periodBounds(input.kind, input.year, number);
  if (input.deadline < bounds.startDate) throw new ValidationFailed({ deadline: 'evaluations.validation.deadlineBeforeStart' });
  const codeVersion = await versionInForce(unit.path[0]!, bounds.startDate);
  if (!codeVersion) throw new ValidationFailed({ unitId: 'evaluations.validation.noCodeVersion' });
  if (await PeriodModel.exists({ unitId: unit._id, periodKey: bounds.periodKey })) throw new ValidationFailed({ number: 'evaluations.validation.periodExists' });

  let doc;
  try {
    doc = await PeriodModel.create({
      provinceId: unit.path[0],
      unitId: unit._id,
      unitPath: unit.path,
      unitName: unit.name,
      kind: input.kind,
      ...bounds,
      year: input.year,
      deadline: input.deadline,
      codeVersionId: codeVersion._id,
      codeVersionNumber: codeVersion.versionNumber,
      createdBy: actor.userId,
    });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw new ValidationFailed({ number: 'evaluations.validation.periodExists' });
    throw err;
  }
  const period = doc.toObject() as Period;
  await record({ actor, objectType: 'period', objectId: period._id, action: 'create', before: null, after: auditView(period), unitPath: period.unitPath });
  return period;
}

/** Moves the period from one status to another, or 409 when someone else moved it first. */
async function transition(period: Period, to: Period['status'], set: Record<string, unknown>, push?: Record<string, unknown>): Promise<Period> {
  const res = await PeriodModel.updateOne(
    { _id: period._id, version: period.version, status: period.status },
    { $set: { status: to, ...set }, $inc: { version: 1 }, ...(push ? { $push: push } : {}) },
  );
  if (res.matchedCount === 0) throw new Conflict('evaluations.errors.periodChanged');
  return (await PeriodModel.findById(period._id).lean()) as Period;
}

/**
 * Creates the missing evaluations of an open period: one per active staff member of the covered units who
 * has none for this period key yet. Idempotent — it is both the second step of opening and its repair, and
 * it adds people who joined after the period opened.
 */
export async function createMissingEvaluations(period: Period): Promise<number> {
  const staff = await StaffModel.find({ unitPath: period.unitId, active: true }).select('fullName sortKey position unitId unitPath').lean();
  const existing = await EvaluationModel.find({ staffId: { $in: staff.map((s) => s._id) }, periodKey: period.periodKey }).select(RESULT_SOURCE_FIELDS).lean<Evaluation[]>();
  // The same read repairs result records a crash may have left missing or stale.
  await repairResultRecords(existing);
  const taken = new Set(existing.map((e) => String(e.staffId)));
  const missing = staff.filter((s) => !taken.has(String(s._id)));
  if (missing.length > 0) {
    const unitIds = [...new Set(missing.flatMap((s) => s.unitPath.map(String)))].map((id) => new Types.ObjectId(id));
    const units: Map<string, UnitInfo> = await unitsById(unitIds);
    const docs = missing.map((s) => ({
      periodId: period._id,
      periodKey: period.periodKey,
      periodKind: period.kind,
      periodStart: period.startDate,
      year: period.year,
      codeVersionId: period.codeVersionId,
      staffId: s._id,
      staffName: s.fullName,
      sortKey: s.sortKey,
      position: s.position,
      unitId: s.unitId,
      unitPath: s.unitPath,
      unitName: units.get(String(s.unitId))?.name ?? '',
      reportingUnitId: reportingUnitOn(s.unitPath, units),
    }));
    try {
      const inserted = await EvaluationModel.insertMany(docs, { ordered: false });
      await saveResultRecords(inserted.map((d) => d.toObject() as Evaluation));
    } catch (err) {
      // Someone else created some of them meanwhile: the unique index kept one each, which is all we want.
      const writeErrors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
      const duplicatesOnly = (err as { code?: number }).code === 11000 || (writeErrors?.length && writeErrors.every((e) => (e.code ?? e.err?.code) === 11000));
      if (!duplicatesOnly) throw err;
      // The ones this call did insert still need their result records (the other writer makes its own).
      const insertedDocs = (err as { insertedDocs?: { toObject(): unknown }[] }).insertedDocs ?? [];
      await saveResultRecords(insertedDocs.map((d) => d.toObject() as Evaluation));
    }
  }
  const count = await EvaluationModel.countDocuments({ periodId: period._id });
  await PeriodModel.updateOne({ _id: period._id }, { $set: { evaluationCount: count } });
  return missing.length;
}

export async function openPeriod(actor: Actor, periodId: string, now = new Date()): Promise<{ period: Period; created: number }> {
  const period = await findPeriodOr404(periodId);
  if (!canManagePeriod(actor, period)) throw new Forbidden();
  if (period.status !== 'DRAFT') throw new Conflict('evaluations.errors.notDraft');
  // The catalogue may have been republished since the draft was made: the period records the one in force now.
  const codeVersion = await versionInForce(period.provinceId, period.startDate);
  if (!codeVersion) throw new Conflict('evaluations.validation.noCodeVersion');
  const opened = await transition(period, 'OPEN', { openedAt: now, codeVersionId: codeVersion._id, codeVersionNumber: codeVersion.versionNumber });
  const created = await createMissingEvaluations(opened);
  const after = (await PeriodModel.findById(period._id).lean()) as Period;
  await record({ actor, objectType: 'period', objectId: period._id, action: 'open', before: auditView(period), after: auditView(after), unitPath: period.unitPath });
  return { period: after, created };
}

export async function syncPeriod(actor: Actor, periodId: string): Promise<number> {
  const period = await findPeriodOr404(periodId);
  if (!canManagePeriod(actor, period)) throw new Forbidden();
  if (period.status !== 'OPEN') throw new Conflict('evaluations.errors.periodNotOpen');
  const created = await createMissingEvaluations(period);
  if (created > 0) {
    const after = (await PeriodModel.findById(period._id).lean()) as Period;
    await record({ actor, objectType: 'period', objectId: period._id, action: 'addStaff', before: auditView(period), after: auditView(after), unitPath: period.unitPath });
  }
  return created;
}

export async function closePeriod(actor: Actor, periodId: string, now = new Date()): Promise<Period> {
  const period = await findPeriodOr404(periodId);
  if (!canManagePeriod(actor, period)) throw new Forbidden();
  if (period.status !== 'OPEN') throw new Conflict('evaluations.errors.periodNotOpen');
  const after = await transition(period, 'CLOSED', { closedAt: now });
  await record({ actor, objectType: 'period', objectId: period._id, action: 'close', before: auditView(period), after: auditView(after), unitPath: period.unitPath });
  return after;
}

export async function reopenPeriod(actor: Actor, periodId: string, reason: string, now = new Date()): Promise<Period> {
  const period = await findPeriodOr404(periodId);
  if (!canReopenPeriod(actor, period)) throw new Forbidden('evaluations.errors.reopenHigherLevel');
  if (period.status !== 'CLOSED') throw new Conflict('evaluations.errors.notClosed');
  const after = await transition(period, 'OPEN', { closedAt: null }, { reopenings: { by: actor.userId, byName: actor.displayName, at: now, reason } });
  await record({ actor, objectType: 'period', objectId: period._id, action: 'reopen', before: auditView(period), after: { ...auditView(after), reason }, unitPath: period.unitPath });
  return after;
}

/** Periods the actor manages or whose units they head, newest first. */
export async function listPeriods(actor: Actor): Promise<Period[]> {
  const roots = scopeRoots(actor, 'admin', 'head');
  if (roots.length === 0) return [];
  const grantUnits = await UnitModel.find({ _id: { $in: roots } }).select('path').lean();
  const ancestors = [...new Set(grantUnits.flatMap((u) => u.path.map(String)))].map((id) => new Types.ObjectId(id));
  // Below or at a grant (managed), or opened by an ancestor of a grant (covering the actor's units).
  const periods = await PeriodModel.find({ $or: [{ unitPath: { $in: roots } }, { unitId: { $in: ancestors } }] })
    .sort({ startDate: -1, unitName: 1 })
    .limit(200)
    .lean();
  return periods as Period[];
}

/** The units where the actor may open a period (their grants and everything below, active only). */
export async function unitsForNewPeriod(actor: Actor): Promise<{ id: string; name: string; depth: number }[]> {
  const roots = scopeRoots(actor, 'admin', 'head');
  if (roots.length === 0) return [];
  const units = await UnitModel.find({ path: { $in: roots }, effectiveTo: null, kind: { $nin: ['desk', 'office'] } })
    .select('name depth path')
    .lean();
  return units
    .sort((a, b) => a.path.map(String).join('/').localeCompare(b.path.map(String).join('/')))
    .map((u) => ({ id: String(u._id), name: u.name, depth: u.depth }));
}
