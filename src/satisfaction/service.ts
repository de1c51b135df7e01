import { isId } from '../shared/ids.js';
import { monthKeysBetween, vietnamMonth } from '../shared/dates.js';
import { Types } from 'mongoose';
import { upserting } from '../db/errors.js';
import QRCode from 'qrcode';
import { coversUnit, scopeRoots, type Actor } from '../auth/index.js';
import type { Role } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { compareVietnamese } from '../shared/text.js';
import { DESK_KINDS, unitById, type UnitInfo as Unit, type UnitKind } from '../units/index.js';
import { activeStaffUnder, staffMember } from '../staff/index.js';
import { versionInForce } from '../conduct-code/index.js';
import { DeskSettingsModel, deskSettingsWrites, RatingModel, SCALES, type RatingLevel, type ScaleSize } from './model.js';
import { keptByKey } from '../shared/kept-in-memory.js';
import type { RatingInput } from './schemas.js';
import { feedbackOfDesks } from './feedback.js';
import { recordsChanged } from '../shared/changes.js';
import * as statistics from '../statistics/index.js';
import { isCommuneLevel, unitsByIds, unitsSnapshot, isAliveAt, isDesk } from '../units/index.js';

/** Units a kiosk can stand in front of: the one-stop desks (and offices that receive citizens). */
const MANAGERS: Role[] = ['admin', 'head'];
/** The longest period one report page covers, so a table stays readable and the query bounded. */
const MAX_MONTHS = 24;


async function openDeskByCode(code: string): Promise<Unit> {
  const found = (await unitsSnapshot()).byCode(code);
  const unit = found && DESK_KINDS.includes(found.kind) ? found : null;
  if (!unit || !isAliveAt(unit)) throw new NotFound();
  return unit;
}

const keptScales = keptByKey<{ scale: ScaleSize }>(deskSettingsWrites, 1000);
async function scaleOf(unitId: Types.ObjectId): Promise<ScaleSize> {
  const kept = await keptScales(String(unitId), async () => {
    const settings = await DeskSettingsModel.findOne({ unitId }).select('scale').lean();
    return { scale: settings?.scale === 5 ? 5 : 3 };
  });
  return kept?.scale ?? 3;
}

/** An officer named by a QR code counts only if they serve at this desk (or in the unit around it). */
async function officerAt(desk: Unit, officerId: string | undefined) {
  if (!isId(officerId)) return null;
  const found = await staffMember(officerId);
  const staff = found?.active ? found : null;
  if (!staff) return null;
  const serves = staff.unitPath.some((id) => id.equals(desk._id) || (desk.parentId != null && id.equals(desk.parentId)));
  return serves ? { id: String(staff._id), name: staff.fullName, position: staff.position } : null;
}

// ---------- the public kiosk ----------

/** The public report form, opened with the desk's commune, the desk and (from an officer's card) the officer chosen. */
async function reportFormPath(desk: Unit, officerId: Types.ObjectId | null): Promise<string> {
  const commune = (await unitsByIds(desk.path)).find((u) => isCommuneLevel(u.kind));
  const query = new URLSearchParams({ unit: String(commune?._id ?? desk._id), desk: String(desk._id) });
  if (officerId) query.set('staff', String(officerId));
  return `/phan-anh?${query.toString()}`;
}

export async function kiosk(deskCode: string, officerId?: string) {
  const desk = await openDeskByCode(deskCode);
  const [scale, officer, code] = await Promise.all([scaleOf(desk._id), officerAt(desk, officerId), versionInForce(desk.path[0]!)]);
  return {
    desk: { code: desk.code, name: desk.name },
    reportHref: await reportFormPath(desk, officer ? new Types.ObjectId(officer.id) : null),
    levels: [...SCALES[scale]] as RatingLevel[],
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
  if (!(SCALES[scale] as readonly RatingLevel[]).includes(input.level)) throw new ValidationFailed({ level: 'satisfaction.errors.level' });
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

/** The desk, when the actor manages it (else 403, or 404 when there is no such desk). */
export async function managedDesk(actor: Actor, unitId: string): Promise<Unit> {
  if (!isId(unitId)) throw new NotFound();
  const unit = await unitById(unitId);
  if (!unit || !isDesk(unit.kind)) throw new NotFound();
  if (!coversUnit(actor, unit.path, ...MANAGERS)) throw new Forbidden();
  return unit;
}

/** The open desks the actor manages, with their scale, sorted by name. */
export async function listDesks(actor: Actor) {
  const roots = scopeRoots(actor, ...MANAGERS);
  if (!roots.length) throw new Forbidden();
  const tree = await unitsSnapshot();
  const desks = tree.under(roots).filter((u) => isAliveAt(u) && isDesk(u.kind));
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
  await upserting((upsert) => DeskSettingsModel.updateOne({ unitId: desk._id }, { $set: { scale, updatedBy: actor.userId } }, { upsert }));
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
  const officers = await activeStaffUnder(desk._id);
  const code = encodeURIComponent(desk.code);
  const card = async (officer: { _id: Types.ObjectId; fullName: string; position: string } | null) => {
    const rateUrl = `${baseUrl}/danh-gia/${code}${officer ? `?officer=${String(officer._id)}` : ''}`;
    const reportUrl = `${baseUrl}${await reportFormPath(desk, officer?._id ?? null)}`;
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

const monthKeys = (fromKey: string, toKey: string) => monthKeysBetween(fromKey, toKey, MAX_MONTHS);

function shiftMonth(key: string, by: number): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The period asked for, or the last six months; reversed bounds are swapped, long ones cut to MAX_MONTHS. */
export function normalisePeriod(from: string | undefined, to: string | undefined, now = new Date()) {
  let end = to ?? vietnamMonth(now).key;
  let start = from ?? shiftMonth(end, -5);
  if (start > end) [start, end] = [end, start];
  if (shiftMonth(start, MAX_MONTHS - 1) < end) start = shiftMonth(end, -(MAX_MONTHS - 1));
  return { from: start, to: end };
}


async function reportUnit(actor: Actor, unitId: string): Promise<Unit> {
  if (!unitId) {
    const root = scopeRoots(actor, ...MANAGERS)[0];
    if (!root) throw new Forbidden();
    unitId = String(root);
  }
  if (!isId(unitId)) throw new NotFound();
  const unit = await unitById(unitId);
  if (!unit) throw new NotFound();
  if (!coversUnit(actor, unit.path, ...MANAGERS)) throw new Forbidden();
  return unit;
}

/**
 * Ratings per desk and month ('YYYY-MM') under the given units, from the statistics read model (per reporting unit
 * and year, counts per desk and month, kept fresh by the kiosk's writes): a few small documents per year, never the
 * ratings themselves. A unit inside a commune reads its commune's figures and keeps the desks under it.
 */
async function ratingCells(scope: readonly Types.ObjectId[], months: readonly string[]): Promise<Map<string, statistics.DeskMonthRatings>> {
  const units = await unitsSnapshot();
  const wanted = new Set(months);
  const years = [...new Set(months.map((k) => Number(k.slice(0, 4))))];
  const underScope = (deskId: string) => (units.byId(deskId)?.path ?? []).some((id) => scope.some((s) => s.equals(id)));
  const roots = scope.map((id) => {
    const path = units.byId(id)?.path ?? [id];
    const commune = path.slice(0, -1).find((up) => isCommuneLevel(units.byId(up)?.kind ?? 'office'));
    return commune ?? id;
  });
  const found = await Promise.all(years.flatMap((year) => roots.map(async (root) => ({ year, list: await statistics.figuresUnder({ _id: root }, year) }))));
  const keptKey = `${scope.map(String).join(',')}|${months.join(',')}`;
  const known = cellsKept.get(keptKey);
  if (known && known.units === units && known.lists.length === found.length && known.lists.every((l, i) => l === found[i]!.list)) return known.cells;
  // Each reporting unit and year once (a predecessor may lie inside the unit).
  const perUnit = new Map(found.flatMap(({ year, list }) => list.map((u) => [`${u.unitId}|${year}`, { year, byDesk: u.figures.ratingsByDesk }] as const)));
  const cells = new Map<string, statistics.DeskMonthRatings>();
  for (const { year, byDesk } of perUnit.values()) {
    for (const [deskId, byMonth] of Object.entries(byDesk)) {
      if (!underScope(deskId)) continue;
      for (const [month, r] of Object.entries(byMonth)) {
        const key = `${year}-${String(month).padStart(2, '0')}`;
        if (!wanted.has(key)) continue;
        const c = cells.get(`${deskId}|${key}`) ?? statistics.emptyDeskMonth();
        statistics.addDeskMonth(c, r);
        cells.set(`${deskId}|${key}`, c);
      }
    }
  }
  if (cellsKept.size >= 200) cellsKept.clear();
  cellsKept.set(keptKey, { units, lists: found.map((f) => f.list), cells });
  return cells;
}

/**
 * The cells of a scope and months, kept while the statistics hand out the same lists (they do until a rating, or any
 * record they count, is written) and the unit tree is the same: a province's page sums every desk's months once.
 * Shared between requests, so never changed after they are made.
 */
const cellsKept = new Map<string, { units: unknown; lists: readonly unknown[]; cells: Map<string, statistics.DeskMonthRatings> }>();

/** Satisfied (top two answers) out of all ratings under a unit, months fromKey..toKey ('YYYY-MM', at most MAX_MONTHS). */
export async function satisfactionRate(unitId: Types.ObjectId, fromKey: string, toKey: string): Promise<{ total: number; satisfied: number; rate: number | null }> {
  const cells = [...(await ratingCells([unitId], monthKeys(fromKey, toKey))).values()];
  const total = cells.reduce((n, c) => n + c.total, 0);
  const satisfied = cells.reduce((n, c) => n + c.satisfied, 0);
  return { total, satisfied, rate: ratePercent(satisfied, total) };
}

/** The satisfaction rate of a unit (with the units it took over in a merger) per desk and month. */
export async function satisfactionReport(actor: Actor, query: { unit: string; from?: string; to?: string }, suppressBelow: number, now = new Date()) {
  const unit = await reportUnit(actor, query.unit);
  const period = normalisePeriod(query.from, query.to, now);
  const months = monthKeys(period.from, period.to);
  const cells = await ratingCells([unit._id, ...(unit.predecessorIds ?? [])], months);
  const units = await unitsSnapshot();
  const deskIds = [...new Set([...cells.keys()].map((k) => k.slice(0, k.indexOf('|'))))];
  const cell = (satisfied: number, total: number) => ({ satisfied, total, rate: ratePercent(satisfied, total) });
  const sum = (list: { total: number; satisfied: number }[]) => cell(list.reduce((n, c) => n + c.satisfied, 0), list.reduce((n, c) => n + c.total, 0));
  const at = (deskId: string, key: string) => cells.get(`${deskId}|${key}`) ?? { total: 0, satisfied: 0 };

  const rows = deskIds
    .map((id) => {
      const byMonth = months.map((key) => at(id, key));
      return { unitId: id, name: units.byId(id)?.name ?? '', months: byMonth.map((c) => cell(c.satisfied, c.total)), overall: sum(byMonth) };
    })
    .sort((a, b) => compareVietnamese(a.name, b.name));
  const monthTotals = months.map((key) => sum(deskIds.map((id) => at(id, key))));
  const overall = sum([...cells.values()]);
  const feedback = await feedbackOfDesks(
    unit,
    rows.map((r) => ({ deskId: r.unitId, name: r.name, months: months.flatMap((key) => (cells.has(`${r.unitId}|${key}`) ? [{ key, counts: cells.get(`${r.unitId}|${key}`)! }] : [])) })),
    suppressBelow,
  );
  return { unit: { id: String(unit._id), name: unit.name }, period, months, rows, monthTotals, overall, feedback };
}

/** Units the actor may pick on the report page: everything they manage that is still open, largest first (desks appear as rows of their commune). */
export async function reportUnitOptions(actor: Actor) {
  const roots = scopeRoots(actor, ...MANAGERS);
  if (!roots.length) return [];
  const tree = await unitsSnapshot();
  const units = tree.under(roots).filter((u) => isAliveAt(u) && !isDesk(u.kind));
  return units.sort((a, b) => a.depth - b.depth || compareVietnamese(a.name, b.name)).map((u) => ({ id: String(u._id), name: u.name, depth: u.depth }));
}
