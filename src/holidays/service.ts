import { isId } from '../shared/ids.js';
import { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { unitsSnapshot } from '../units/index.js';
import { hasRole } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { HolidayModel, holidayWrites, type Holiday } from './model.js';
import { keptInMemory } from '../shared/kept-in-memory.js';
import { vietnamDay, vietnamYear } from '../shared/dates.js';
import type { HolidayInput } from './schemas.js';
import { addWorkingDays, type CalendarDay, type CalendarDayKind } from './working-days.js';
import { VIETNAM_HOLIDAYS, VIETNAM_HOLIDAY_YEARS } from './vietnam.js';

function assertAdmin(actor: Actor): void {
  if (!hasRole(actor, 'admin')) throw new Forbidden();
}

const plain = (h: Holiday) => ({ date: h.date, kind: h.kind, name: h.name, nameEn: h.nameEn, provisional: h.provisional });
const AUDIT_TYPE = 'holiday';

/** The calendar is national: its audit entries are listed under every province (the units with no parent). */
async function calendarScope(): Promise<Types.ObjectId[]> {
  return (await unitsSnapshot()).all.filter((u) => u.parentId == null).map((u) => u._id);
}

/**
 * Every calendar day of the collection (a few dozen a year), date order, kept in memory until a holiday changes: a
 * date range is not an equality FerretDB pushes down, so each deadline computed (every report filed) read the whole
 * collection.
 */
const calendarKept = keptInMemory(
  holidayWrites,
  async (): Promise<readonly { date: Date; kind: CalendarDayKind }[]> => {
    const rows = await HolidayModel.find({}).select('date kind').lean();
    return Object.freeze(rows.map((r) => Object.freeze({ date: r.date, kind: r.kind as CalendarDayKind })).sort((a, b) => a.date.getTime() - b.date.getTime()));
  },
  1000,
);

/** The calendar days between two dates (inclusive) that differ from a Monday–Friday week. */
export async function calendarBetween(from: Date, to: Date): Promise<CalendarDay[]> {
  return (await calendarKept()).filter((d) => d.date.getTime() >= from.getTime() && d.date.getTime() <= to.getTime());
}

/** n working days after a start day, against the stored calendar (a year and a half ahead is ample). */
export async function workingDaysFrom(start: Date, n: number): Promise<Date> {
  const horizon = new Date(start.getTime() + (n * 3 + 400) * 86_400_000);
  return addWorkingDays(start, n, await calendarBetween(start, horizon));
}

export async function listHolidays(actor: Actor, year: number) {
  assertAdmin(actor);
  return HolidayModel.find({ year }).sort({ date: 1 }).lean();
}

export async function yearsInCalendar(): Promise<number[]> {
  const rows = await HolidayModel.aggregate<{ _id: number }>([{ $group: { _id: '$year', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
  return rows.map((r) => r._id);
}

const yearsKept = keptInMemory(holidayWrites, async () => new Set(await yearsInCalendar()), 1000);

/**
 * Loads the bundled holidays of every year the calendar has nothing for (a fresh install, or a new release bringing
 * a new year), so deadlines count Tết from the first start. A year with any day in it is the administrator's.
 */
export async function loadBundledYears(): Promise<number[]> {
  const present = await yearsKept();
  const missing = VIETNAM_HOLIDAY_YEARS.filter((year) => !present.has(year));
  for (const year of missing) await loadVietnamYear(null, year);
  return missing;
}

/**
 * The years whose deadlines people may be given now (this year; the next one from November, when 30 working days
 * reach into it) that have no calendar: deadlines falling in them count weekends only.
 */
export async function yearsWithoutCalendar(now = new Date()): Promise<number[]> {
  const year = vietnamYear(now);
  const years = vietnamDay(now).getUTCMonth() >= 10 ? [year, year + 1] : [year];
  const present = await yearsKept();
  return years.filter((y) => !present.has(y));
}

export async function getHoliday(actor: Actor, id: string): Promise<Holiday> {
  assertAdmin(actor);
  if (!isId(id)) throw new NotFound();
  const h = await HolidayModel.findById(id).lean();
  if (!h) throw new NotFound();
  return h as Holiday;
}

async function assertDateFree(date: Date, exceptId?: Types.ObjectId): Promise<void> {
  const clash = await HolidayModel.findOne({ date, ...(exceptId ? { _id: { $ne: exceptId } } : {}) }).select('_id').lean();
  if (clash) throw new ValidationFailed({ date: 'holidays.errors.dateTaken' });
}

export async function createHoliday(actor: Actor, input: HolidayInput): Promise<Holiday> {
  assertAdmin(actor);
  await assertDateFree(input.date);
  const doc = await HolidayModel.create({ ...input, nameEn: input.nameEn ?? '', year: input.date.getUTCFullYear() });
  const created = doc.toObject() as Holiday;
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: created._id, action: 'create', after: plain(created), unitPath: await calendarScope() });
  return created;
}

export async function updateHoliday(actor: Actor, id: string, input: HolidayInput): Promise<void> {
  const before = await getHoliday(actor, id);
  await assertDateFree(input.date, before._id);
  const after = { ...input, nameEn: input.nameEn ?? '', year: input.date.getUTCFullYear() };
  await HolidayModel.updateOne({ _id: before._id }, { $set: after });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: before._id, action: 'update', before: plain(before), after: plain({ ...before, ...after }), unitPath: await calendarScope() });
}

export async function deleteHoliday(actor: Actor, id: string): Promise<void> {
  const before = await getHoliday(actor, id);
  await HolidayModel.deleteOne({ _id: before._id });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: before._id, action: 'delete', before: plain(before), unitPath: await calendarScope() });
}

/** Adds the bundled Vietnamese holidays of a year; days already in the calendar are left as they are. */
export async function loadVietnamYear(actor: Actor | null, year: number): Promise<number> {
  if (actor) assertAdmin(actor);
  const data = VIETNAM_HOLIDAYS[year];
  if (!data) throw new ValidationFailed({ year: 'holidays.errors.noData' });
  let added = 0;
  for (const d of data) {
    const date = new Date(`${d.date}T00:00:00Z`);
    if (await HolidayModel.exists({ date })) continue;
    const doc = await HolidayModel.create({ date, year, kind: d.kind, name: d.name.vi, nameEn: d.name.en, provisional: d.provisional ?? false });
    await audit.record({ actor, objectType: AUDIT_TYPE, objectId: doc._id, action: 'create', after: plain(doc.toObject() as Holiday), unitPath: await calendarScope() });
    added++;
  }
  return added;
}
