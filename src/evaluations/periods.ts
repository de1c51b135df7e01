import { oneWriterPerDocument } from '../db/one-writer.js';
import { isId } from '../shared/ids.js';
import { isDuplicateKey } from '../db/errors.js';
import { vietnamYear } from '../shared/dates.js';
import { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { coversUnit, inheritedRoots, scopeRoots } from '../auth/index.js';
import { record } from '../audit/index.js';
import { versionInForce } from '../conduct-code/index.js';
import { activeStaffUnder } from '../staff/index.js';
import { unitsSnapshot, isAliveAt, isDesk } from '../units/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { keptByKey } from '../shared/kept-in-memory.js';
import { COPIES_READY, EvaluationModel, PeriodModel, periodWrites, type Evaluation, type Period, type PeriodKind } from './model.js';
import { announce, insertResultRecords, repairResultRecords, RESULT_SOURCE_FIELDS } from './results-store.js';
import type { Source } from './record-model.js';
import { recountTally, touchTallies } from './tallies.js';
import { mapLimited } from '../shared/batches.js';
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
  const units = await unitsSnapshot();
  return roots.some((r) => units.byId(r)?.path.some((p) => p.equals(period.unitId)) ?? false);
}

export async function findPeriodOr404(id: string): Promise<Period> {
  if (!isId(id)) throw new NotFound();
  const period = await PeriodModel.findById(id).lean();
  if (!period) throw new NotFound();
  return period as Period;
}

/**
 * A period as pages show it, from a copy kept in memory while no period changed (another process's change is seen
 * within a second). Read-only: services that change a period read it with `findPeriodOr404`.
 */
const keptPeriods = keptByKey<Period>(periodWrites, 1000);
export const keptPeriod = (id: string) => keptPeriods(id, async () => (isId(id) ? PeriodModel.findById(id).lean<Period>() : null));

const keptKeyUse = keptByKey<{ used: boolean }>(periodWrites, 1000);
/**
 * Whether any unit has a period with this key (evaluations exist only for the keys of periods opened), from memory
 * while no period changes: a report about a person then looks up only the evaluations that can exist.
 */
export async function periodKeyUsed(periodKey: string): Promise<boolean> {
  return (await keptKeyUse(periodKey, async () => ({ used: (await PeriodModel.exists({ periodKey })) != null })))!.used;
}

export function auditView(p: Period) {
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
  const unit = isId(input.unitId) ? (await unitsSnapshot()).byId(input.unitId) : undefined;
  if (!unit || !isAliveAt(unit)) throw new ValidationFailed({ unitId: 'validation.invalidChoice' });
  if (!coversUnit(actor, unit.path, 'admin', 'head')) throw new Forbidden();
  const max = input.kind === 'monthly' ? 12 : input.kind === 'quarterly' ? 4 : 1;
  const number = input.kind === 'yearly' ? 1 : input.number;
  if (number < 1 || number > max) throw new ValidationFailed({ number: input.kind === 'quarterly' ? 'evaluations.validation.quarterRange' : 'evaluations.validation.monthRange' });
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
      // A new period's copies are written with its evaluations from the start.
      copies: COPIES_READY,
      createdBy: actor.userId,
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationFailed({ number: 'evaluations.validation.periodExists' });
    throw err;
  }
  const period = doc.toObject() as Period;
  await record({ actor, objectType: 'period', objectId: period._id, action: 'create', before: null, after: auditView(period), unitPath: period.unitPath });
  return period;
}

/** Moves the period from one status to another, or 409 when someone else moved it first. */
async function transition(period: Period, to: Period['status'], set: Record<string, unknown>, push?: Record<string, unknown>): Promise<Period> {
  const res = await oneWriterPerDocument(PeriodModel, period._id, () =>
    PeriodModel.updateOne({ _id: period._id, version: period.version, status: period.status }, { $set: { status: to, ...set }, $inc: { version: 1 }, ...(push ? { $push: push } : {}) }),
  );
  if (res.matchedCount === 0) throw new Conflict('evaluations.errors.periodChanged');
  return (await PeriodModel.findById(period._id).lean()) as Period;
}

/** How many evaluations are inserted per round (never one big write: FerretDB v1 may not answer large ones). */
const INSERT_BATCH = 200;

export interface Progress {
  done: number;
  total: number;
}

/** A new evaluation with every default of the schema, as mongoose would insert it (without its per-document cost). */
function evaluationDefaults(): Record<string, unknown> {
  const { _id, ...rest } = new EvaluationModel({}).toObject() as Record<string, unknown>;
  void _id;
  return { ...rest, __v: 0 };
}

/** Indexes of the documents an unordered insert refused as duplicates; anything else is rethrown. */
function duplicateIndexes(err: unknown): Set<number> {
  type WriteError = { code?: number; index?: number; err?: { code?: number; index?: number } };
  const e = err as { writeErrors?: WriteError[] | WriteError };
  const list: WriteError[] = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  if (!list.length || !list.every((w) => (w.code ?? w.err?.code) === 11000)) throw err;
  return new Set(list.map((w) => w.index ?? w.err?.index ?? -1));
}

/**
 * Creates the missing evaluations of an open period: one per active staff member of the covered units who
 * has none for this period key yet. Idempotent — it is both the second step of opening and its repair, and
 * it adds people who joined after the period opened. Evaluations are inserted in rounds of INSERT_BATCH (plain
 * insertMany, never a bulkWrite), each followed by their compact records; `onProgress` hears after each round.
 * The tallies of the reporting units concerned are marked stale first and recounted once at the end, so that
 * readers meanwhile (or after a crash) recount them instead of trusting figures that miss the new evaluations.
 */
export async function createMissingEvaluations(period: Period, onProgress?: (p: Progress) => Promise<void> | void): Promise<number> {
  const staff = await activeStaffUnder(period.unitId);
  // Evaluations with this key (an equality FerretDB pushes down): none when the period is new.
  const covered = new Set(staff.map((s) => String(s._id)));
  const existing = (await EvaluationModel.find({ periodKey: period.periodKey }).select(RESULT_SOURCE_FIELDS).lean<Source[]>()).filter((e) => covered.has(String(e.staffId)));
  // The same read repairs result records a crash may have left missing or stale.
  await repairResultRecords(existing);
  const taken = new Set(existing.map((e) => String(e.staffId)));
  const missing = staff.filter((s) => !taken.has(String(s._id)));
  await onProgress?.({ done: 0, total: missing.length });
  let inserted = 0;
  if (missing.length > 0) {
    const unitIds = [...new Set(missing.flatMap((s) => s.unitPath.map(String)))].map((id) => new Types.ObjectId(id));
    const units: Map<string, UnitInfo> = await unitsById(unitIds);
    const docOf = (s: (typeof missing)[number], base: Record<string, unknown>, now: Date) => ({
      ...base,
      _id: new Types.ObjectId(),
      periodId: period._id,
      periodKey: period.periodKey,
      periodKind: period.kind,
      periodStart: period.startDate,
      year: period.year,
      codeVersionId: period.codeVersionId,
      staffId: s._id,
      staffName: s.fullName,
      sortKey: s.sortKey,
      position: s.position ?? '',
      unitId: s.unitId,
      unitPath: s.unitPath,
      unitName: units.get(String(s.unitId))?.name ?? '',
      reportingUnitId: reportingUnitOn(s.unitPath, units),
      createdAt: now,
      updatedAt: now,
    });
    const base = evaluationDefaults();
    const sample = docOf(missing[0]!, base, new Date());
    const invalid = new EvaluationModel(sample).validateSync();
    if (invalid) throw invalid;
    const affected = missing.map((s) => ({ periodId: period._id, reportingUnitId: reportingUnitOn(s.unitPath, units), unitPath: s.unitPath, year: period.year }));
    await touchTallies(affected);
    for (let i = 0; i < missing.length; i += INSERT_BATCH) {
      const now = new Date();
      const docs = missing.slice(i, i + INSERT_BATCH).map((s) => docOf(s, base, now));
      let created = docs;
      try {
        await EvaluationModel.collection.insertMany(docs, { ordered: false });
      } catch (err) {
        // Someone else created some of them meanwhile: the unique index kept one each, which is all we want.
        const refused = duplicateIndexes(err);
        // The ones this call did insert still need their result records (the other writer makes its own).
        created = docs.filter((_, k) => !refused.has(k));
      }
      await insertResultRecords(created as unknown as Evaluation[]);
      inserted += created.length;
      await onProgress?.({ done: Math.min(missing.length, i + INSERT_BATCH), total: missing.length });
    }
    await mapLimited([...(await touchTallies(affected))], 4, ([key, token]) => recountTally(key, token));
    await announce(affected);
  }
  const count = existing.filter((e) => e.periodId && period._id.equals(e.periodId)).length + inserted;
  await PeriodModel.updateOne({ _id: period._id }, { $set: { evaluationCount: count } });
  return missing.length;
}

/**
 * The first step of opening: checks, and the period moves from DRAFT to OPEN with the catalogue in force. The
 * evaluations are created after it (createMissingEvaluations), here or in a background job (jobs.ts).
 */
export async function beginOpening(actor: Actor, periodId: string, now = new Date()): Promise<{ before: Period; opened: Period }> {
  const period = await findPeriodOr404(periodId);
  if (!canManagePeriod(actor, period)) throw new Forbidden();
  if (period.status !== 'DRAFT') throw new Conflict('evaluations.errors.notDraft');
  // The catalogue may have been republished since the draft was made: the period records the one in force now.
  const codeVersion = await versionInForce(period.provinceId, period.startDate);
  if (!codeVersion) throw new Conflict('evaluations.validation.noCodeVersion');
  const opened = await transition(period, 'OPEN', { openedAt: now, codeVersionId: codeVersion._id, codeVersionNumber: codeVersion.versionNumber });
  return { before: period, opened };
}

/** The last step of opening or adding staff: the audit entry, with the period as it is now. */
export async function recordPeriodFilled(
  actor: Pick<Actor, 'userId' | 'displayName'>,
  before: Period,
  action: 'open' | 'addStaff',
  beforeView: Record<string, unknown> = auditView(before),
): Promise<Period> {
  const after = (await PeriodModel.findById(before._id).lean()) as Period;
  await record({ actor: { staffId: null, roles: [], ...actor }, objectType: 'period', objectId: before._id, action, before: beforeView, after: auditView(after), unitPath: before.unitPath });
  return after;
}

/** Opens a period and creates its evaluations in this call (the pages do the second step in a background job). */
export async function openPeriod(actor: Actor, periodId: string, now = new Date()): Promise<{ period: Period; created: number }> {
  const { before, opened } = await beginOpening(actor, periodId, now);
  const created = await createMissingEvaluations(opened);
  return { period: await recordPeriodFilled(actor, before, 'open'), created };
}

/** Checks that "add evaluations for new staff" may run on this period. */
export async function periodToSync(actor: Actor, periodId: string): Promise<Period> {
  const period = await findPeriodOr404(periodId);
  if (!canManagePeriod(actor, period)) throw new Forbidden();
  if (period.status !== 'OPEN') throw new Conflict('evaluations.errors.periodNotOpen');
  return period;
}

export async function syncPeriod(actor: Actor, periodId: string): Promise<number> {
  const period = await periodToSync(actor, periodId);
  const created = await createMissingEvaluations(period);
  if (created > 0) await recordPeriodFilled(actor, period, 'addStaff');
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

/** For the form's `authorize`: a level above the period's unit. */
export async function assertMayReopen(actor: Actor, periodId: string): Promise<void> {
  if (!canReopenPeriod(actor, await findPeriodOr404(periodId))) throw new Forbidden('evaluations.errors.reopenHigherLevel');
}

export async function reopenPeriod(actor: Actor, periodId: string, reason: string, now = new Date()): Promise<Period> {
  const period = await findPeriodOr404(periodId);
  if (!canReopenPeriod(actor, period)) throw new Forbidden('evaluations.errors.reopenHigherLevel');
  if (period.status !== 'CLOSED') throw new Conflict('evaluations.errors.notClosed');
  const after = await transition(period, 'OPEN', { closedAt: null }, { reopenings: { by: actor.userId, byName: actor.displayName, at: now, reason } });
  await record({ actor, objectType: 'period', objectId: period._id, action: 'reopen', before: auditView(period), after: { ...auditView(after), reason }, unitPath: period.unitPath });
  return after;
}

/** "This year" on the Vietnamese calendar. */
export { vietnamYear };

const LIST_LIMIT = 200;
/** The lists' queries, answered from memory while no period changed (the periods page is opened far more often). */
const keptLists = keptByKey<{ list: readonly Period[] }>(periodWrites, 1000);

/**
 * Periods the actor manages or whose units they head, newest first: those of one year, and those still open from
 * any year. Each query is an equality FerretDB pushes down (a unit on the period's path or the opening unit, and the
 * year or the status), so the list costs what it shows, not the years of history.
 */
export async function listPeriods(actor: Actor, year = vietnamYear()): Promise<Period[]> {
  const roots = scopeRoots(actor, 'admin', 'head');
  if (roots.length === 0) return [];
  const units = await unitsSnapshot();
  const rootIds = new Set(roots.map(String));
  // Opened by an ancestor of a grant (covering the actor's units); at or below a grant is found by unitPath.
  const ancestors = [...new Set(roots.flatMap((r) => (units.byId(r)?.path ?? []).map(String)))].filter((id) => !rootIds.has(id)).map((id) => new Types.ObjectId(id));
  const filters: Record<string, unknown>[] = [
    ...roots.flatMap((r) => [{ unitPath: r, year }, { unitPath: r, status: 'OPEN' }]),
    // Still open in a predecessor (merged into a unit of the actor's, which carries the period on).
    ...inheritedRoots(actor, 'admin', 'head').map((r) => ({ unitId: r, status: 'OPEN' })),
    ...ancestors.flatMap((a) => [{ unitId: a, year }, { unitId: a, status: 'OPEN' }]),
  ];
  const found = new Map<string, Period>();
  const lists = await Promise.all(filters.map(async (f) => (await keptLists(JSON.stringify(f), async () => ({ list: await PeriodModel.find(f).lean<Period[]>() })))!.list));
  for (const list of lists) for (const p of list) found.set(String(p._id), p);
  return [...found.values()]
    .sort((a, b) => b.startDate.getTime() - a.startDate.getTime() || (a.unitName < b.unitName ? -1 : a.unitName > b.unitName ? 1 : 0))
    .slice(0, LIST_LIMIT);
}

/** The units where the actor may open a period (their grants and everything below, active only). */
export async function unitsForNewPeriod(actor: Actor): Promise<{ id: string; name: string; depth: number }[]> {
  const roots = scopeRoots(actor, 'admin', 'head');
  if (roots.length === 0) return [];
  const units = (await unitsSnapshot()).all.filter(
    (u) => u.path.some((p) => roots.some((r) => r.equals(p))) && isAliveAt(u) && !isDesk(u.kind),
  );
  return [...units]
    .sort((a, b) => a.path.map(String).join('/').localeCompare(b.path.map(String).join('/')))
    .map((u) => ({ id: String(u._id), name: u.name, depth: u.depth }));
}
