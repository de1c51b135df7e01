import { Types } from 'mongoose';
import QRCode from 'qrcode';
import { coversUnit, scopeRoots, type Actor } from '../auth/actor.js';
import type { Role } from '../auth/model.js';
import * as audit from '../audit/service.js';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { compareVietnamese } from '../shared/vietnamese.js';
import { UnitModel, type Unit, type UnitKind } from '../units/model.js';
import { StaffModel } from '../staff/model.js';
import { versionInForce } from '../code/service.js';
import { DeskSettingsModel, RatingModel, SCALES, periodOf, type Level, type ScaleSize } from './model.js';
import type { RatingInput } from './schemas.js';
import { recordsChanged } from '../shared/changes.js';

/** Units a kiosk can stand in front of: the one-stop desks (and offices that receive citizens). */
const RATEABLE_KINDS: readonly UnitKind[] = ['desk', 'office'];
const MANAGERS: Role[] = ['admin', 'head'];
/** The longest period one report page covers, so a table stays readable and the query bounded. */
const MAX_MONTHS = 24;

const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v);

async function openDeskByCode(code: string): Promise<Unit> {
  const unit = await UnitModel.findOne({ code, kind: { $in: RATEABLE_KINDS } }).lean<Unit>();
  if (!unit || (unit.effectiveTo && unit.effectiveTo <= new Date())) throw new NotFound();
  return unit;
}

async function scaleOf(unitId: Types.ObjectId): Promise<ScaleSize> {
  const settings = await DeskSettingsModel.findOne({ unitId }).select('scale').lean();
  return settings?.scale === 5 ? 5 : 3;
}

/** An officer named by a QR code counts only if they serve at this desk (or in the unit around it). */
async function officerAt(desk: Unit, officerId: string | undefined) {
  if (!isId(officerId)) return null;
  const staff = await StaffModel.findOne({ _id: officerId, active: true }).select('fullName position unitPath').lean();
  if (!staff) return null;
  const serves = staff.unitPath.some((id) => id.equals(desk._id) || (desk.parentId != null && id.equals(desk.parentId)));
  return serves ? { id: String(staff._id), name: staff.fullName, position: staff.position } : null;
}

// ---------- the public kiosk ----------

export async function kiosk(deskCode: string, officerId?: string) {
  const desk = await openDeskByCode(deskCode);
  const [scale, officer, code] = await Promise.all([scaleOf(desk._id), officerAt(desk, officerId), versionInForce(desk.path[0]!)]);
  return {
    desk: { code: desk.code, name: desk.name },
    levels: [...SCALES[scale]] as Level[],
    officer,
    criteria: (code?.criteria ?? [])
      .slice()
      .sort((a, b) => a.order - b.order)
      .map((c) => ({ code: c.code, label: { vi: c.plainLabel?.vi || c.name?.vi || c.code, en: c.plainLabel?.en || c.name?.en || c.name?.vi || c.code } })),
  };
}

/** Stores one rating; a filled honeypot is accepted silently and dropped. Returns whether it was stored. */
export async function submitRating(deskCode: string, input: RatingInput, now = new Date()): Promise<boolean> {
  const desk = await openDeskByCode(deskCode);
  const [scale, officer, code] = await Promise.all([scaleOf(desk._id), officerAt(desk, input.officer), versionInForce(desk.path[0]!)]);
  if (!(SCALES[scale] as readonly Level[]).includes(input.level)) throw new ValidationFailed({ level: 'satisfaction.errors.level' });
  const known = new Set((code?.criteria ?? []).map((c) => c.code));
  const criteria = [...new Set(input.criteria)];
  if (criteria.some((c) => !known.has(c))) throw new ValidationFailed({ criteria: 'validation.invalidChoice' });
  if (input.website) return false;
  const rating = await RatingModel.create({
    unitId: desk._id,
    unitPath: desk.path,
    officerId: officer ? new Types.ObjectId(officer.id) : null,
    level: input.level,
    scale,
    criteria,
    codeVersionId: code?._id ?? null,
    comment: input.comment ?? '',
    ratedAt: now,
  });
  await recordsChanged(desk.path, rating.year);
  return true;
}

// ---------- desk settings and QR codes (heads, province) ----------

async function managedDesk(actor: Actor, unitId: string): Promise<Unit> {
  if (!isId(unitId)) throw new NotFound();
  const unit = await UnitModel.findById(unitId).lean<Unit>();
  if (!unit || !RATEABLE_KINDS.includes(unit.kind as UnitKind)) throw new NotFound();
  if (!coversUnit(actor, unit.path, ...MANAGERS)) throw new Forbidden();
  return unit;
}

/** The open desks the actor manages, with their scale, sorted by name. */
export async function listDesks(actor: Actor) {
  const roots = scopeRoots(actor, ...MANAGERS);
  if (!roots.length) throw new Forbidden();
  const desks = await UnitModel.find({ path: { $in: roots }, kind: { $in: RATEABLE_KINDS }, effectiveTo: null }).select('name code').lean();
  const settings = await DeskSettingsModel.find({ unitId: { $in: desks.map((d) => d._id) } }).select('unitId scale').lean();
  const scaleById = new Map(settings.map((s) => [String(s.unitId), s.scale]));
  return desks
    .map((d) => ({ id: String(d._id), code: d.code, name: d.name, scale: scaleById.get(String(d._id)) === 5 ? 5 : 3 }))
    .sort((a, b) => compareVietnamese(a.name, b.name));
}

export async function setScale(actor: Actor, unitId: string, scale: 3 | 5): Promise<void> {
  const desk = await managedDesk(actor, unitId);
  const before = await scaleOf(desk._id);
  if (before === scale) return;
  await DeskSettingsModel.updateOne({ unitId: desk._id }, { $set: { scale, updatedBy: actor.userId } }, { upsert: true });
  await audit.record({ actor, objectType: 'deskSettings', objectId: desk._id, action: 'update', before: { scale: before }, after: { scale }, unitPath: desk.path });
}

async function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}

/**
 * Printable QR codes for a desk and for each officer serving there: one leads to the rating kiosk,
 * the other to the public report form, both pre-filled with the desk (and officer).
 */
export async function qrSheet(actor: Actor, unitId: string, baseUrl: string) {
  const desk = await managedDesk(actor, unitId);
  const officers = await StaffModel.find({ unitPath: desk._id, active: true }).select('fullName position').sort({ sortKey: 1 }).lean();
  const code = encodeURIComponent(desk.code);
  const card = async (officer: { _id: Types.ObjectId; fullName: string; position: string } | null) => {
    const rateUrl = `${baseUrl}/danh-gia/${code}${officer ? `?officer=${String(officer._id)}` : ''}`;
    const reportUrl = `${baseUrl}/phan-anh?unit=${code}${officer ? `&officer=${String(officer._id)}` : ''}`;
    return {
      officerName: officer?.fullName ?? '',
      position: officer?.position ?? '',
      rateUrl,
      reportUrl,
      rateSvg: await qrSvg(rateUrl),
      reportSvg: await qrSvg(reportUrl),
    };
  };
  return { desk: { id: String(desk._id), name: desk.name, code: desk.code }, deskCard: await card(null), officerCards: await Promise.all(officers.map(card)) };
}

// ---------- the satisfaction rate ----------

/** Percent with one decimal; null when nobody rated (a rate of nothing is not 0%). */
export function ratePercent(satisfied: number, total: number): number | null {
  return total > 0 ? Math.round((satisfied * 1000) / total) / 10 : null;
}

type Scope = Types.ObjectId | Types.ObjectId[];
const asArray = (scope: Scope) => (Array.isArray(scope) ? scope : [scope]);

/**
 * Satisfied (top two answers) out of all ratings under the given units, months fromKey..toKey ('YYYY-MM') inclusive.
 * The 0/1 flag goes into the group key with a single $sum: FerretDB v1 computes only the first accumulator of a $group (its issue #4616).
 */
export async function satisfactionRate(unitScope: Scope, fromKey: string, toKey: string): Promise<{ total: number; satisfied: number; rate: number | null }> {
  const rows = await RatingModel.aggregate<{ _id: number; n: number }>([
    { $match: { unitPath: { $in: asArray(unitScope) }, periodKey: { $gte: fromKey, $lte: toKey } } },
    { $group: { _id: '$satisfied', n: { $sum: 1 } } },
  ]);
  const total = rows.reduce((s, r) => s + r.n, 0);
  const satisfied = rows.filter((r) => r._id === 1).reduce((s, r) => s + r.n, 0);
  return { total, satisfied, rate: ratePercent(satisfied, total) };
}

export function monthKeys(fromKey: string, toKey: string): string[] {
  const keys: string[] = [];
  let [y, m] = fromKey.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < MAX_MONTHS; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    keys.push(key);
    if (key >= toKey) break;
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return keys;
}

function shiftMonth(key: string, by: number): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The period asked for, or the last six months; reversed bounds are swapped, long ones cut to MAX_MONTHS. */
export function normalisePeriod(from: string | undefined, to: string | undefined, now = new Date()) {
  let end = to ?? periodOf(now).periodKey;
  let start = from ?? shiftMonth(end, -5);
  if (start > end) [start, end] = [end, start];
  if (shiftMonth(start, MAX_MONTHS - 1) < end) start = shiftMonth(end, -(MAX_MONTHS - 1));
  return { from: start, to: end };
}

/** Rows counted per (unit, month, satisfied) become one row per (unit, month) with total and satisfied. */
function foldSatisfied(counted: { _id: { unitId: Types.ObjectId; periodKey: string; satisfied: number }; n: number }[]) {
  const byKey = new Map<string, { _id: { unitId: Types.ObjectId; periodKey: string }; total: number; satisfied: number }>();
  for (const row of counted) {
    const key = `${String(row._id.unitId)}|${row._id.periodKey}`;
    const group = byKey.get(key) ?? { _id: { unitId: row._id.unitId, periodKey: row._id.periodKey }, total: 0, satisfied: 0 };
    group.total += row.n;
    if (row._id.satisfied === 1) group.satisfied += row.n;
    byKey.set(key, group);
  }
  return [...byKey.values()];
}

async function reportUnit(actor: Actor, unitId: string): Promise<Unit> {
  if (!unitId) {
    const root = scopeRoots(actor, ...MANAGERS)[0];
    if (!root) throw new Forbidden();
    unitId = String(root);
  }
  if (!isId(unitId)) throw new NotFound();
  const unit = await UnitModel.findById(unitId).lean<Unit>();
  if (!unit) throw new NotFound();
  if (!coversUnit(actor, unit.path, ...MANAGERS)) throw new Forbidden();
  return unit;
}

/**
 * The satisfaction rate of a unit (with the units it took over in a merger) per desk and month.
 * The database counts ($match + $group/$sum over stored fields, see satisfactionRate); the table is laid out here.
 */
export async function satisfactionReport(actor: Actor, query: { unit: string; from?: string; to?: string }, now = new Date()) {
  const unit = await reportUnit(actor, query.unit);
  const period = normalisePeriod(query.from, query.to, now);
  const months = monthKeys(period.from, period.to);
  const scope = [unit._id, ...(unit.predecessorIds ?? [])];
  const counted = await RatingModel.aggregate<{ _id: { unitId: Types.ObjectId; periodKey: string; satisfied: number }; n: number }>([
    { $match: { unitPath: { $in: scope }, periodKey: { $gte: period.from, $lte: period.to } } },
    { $group: { _id: { unitId: '$unitId', periodKey: '$periodKey', satisfied: '$satisfied' }, n: { $sum: 1 } } },
  ]);
  const groups = foldSatisfied(counted);
  const deskIds = [...new Set(groups.map((g) => String(g._id.unitId)))];
  const desks = await UnitModel.find({ _id: { $in: deskIds } }).select('name').lean();
  const nameOf = new Map(desks.map((d) => [String(d._id), d.name]));
  const cell = (satisfied: number, total: number) => ({ satisfied, total, rate: ratePercent(satisfied, total) });

  const rows = deskIds
    .map((id) => {
      const mine = groups.filter((g) => String(g._id.unitId) === id);
      const byMonth = months.map((key) => {
        const g = mine.find((x) => x._id.periodKey === key);
        return cell(g?.satisfied ?? 0, g?.total ?? 0);
      });
      const satisfied = mine.reduce((s, g) => s + g.satisfied, 0);
      const total = mine.reduce((s, g) => s + g.total, 0);
      return { unitId: id, name: nameOf.get(id) ?? '', months: byMonth, overall: cell(satisfied, total) };
    })
    .sort((a, b) => compareVietnamese(a.name, b.name));
  const monthTotals = months.map((key) => {
    const inMonth = groups.filter((g) => g._id.periodKey === key);
    return cell(
      inMonth.reduce((s, g) => s + g.satisfied, 0),
      inMonth.reduce((s, g) => s + g.total, 0),
    );
  });
  const overall = cell(
    groups.reduce((s, g) => s + g.satisfied, 0),
    groups.reduce((s, g) => s + g.total, 0),
  );
  return { unit: { id: String(unit._id), name: unit.name }, period, months, rows, monthTotals, overall };
}

/** Units the actor may pick on the report page: everything they manage that is still open, largest first (desks appear as rows of their commune). */
export async function reportUnitOptions(actor: Actor) {
  const roots = scopeRoots(actor, ...MANAGERS);
  if (!roots.length) return [];
  const units = await UnitModel.find({ path: { $in: roots }, effectiveTo: null, kind: { $nin: RATEABLE_KINDS } }).select('name depth').lean();
  return units.sort((a, b) => a.depth - b.depth || compareVietnamese(a.name, b.name)).map((u) => ({ id: String(u._id), name: u.name, depth: u.depth }));
}
