import { isValidObjectId, Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import { coversUnit, scopeRoots } from '../auth/actor.js';
import { Forbidden, NotFound } from '../shared/errors.js';
import { formatDate, formatDateTime } from '../shared/format.js';
import { PAGE_SIZE, pageInfo } from '../shared/pagination.js';
import { foldForSearch } from '../shared/vietnamese.js';
import { AuditEntryModel, type AuditEntry } from './model.js';

/**
 * An administrator reads the entries whose unitPath contains a unit they administer. Every feature
 * records the unit's path (a province-level object such as a code version records [provinceId]),
 * so one membership test scopes the log; an entry recorded without a unitPath belongs to no
 * province and is shown to no one here.
 */
function scopeFilter(actor: Actor) {
  const roots = scopeRoots(actor, 'admin');
  if (!roots.length) throw new Forbidden();
  return { unitPath: { $in: roots } };
}

export interface AuditFilter {
  objectType?: string;
  action?: string;
  /** Part of the actor's name, with or without diacritics. */
  actorName?: string;
  /** Calendar days (UTC midnight, as parsed from dd/MM/yyyy), both inclusive, in the server's time zone. */
  from?: Date;
  to?: Date;
}

const VIETNAMESE_LETTERS = 'aàáảãạăằắẳẵặâầấẩẫậdđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ';
const variantsOf = new Map<string, string>();
for (const ch of VIETNAMESE_LETTERS) {
  const base = foldForSearch(ch);
  variantsOf.set(base, (variantsOf.get(base) ?? '') + ch + ch.toUpperCase());
}

/** A pattern matching the text whatever its diacritics and case ("nguyen" finds "Nguyễn"): actor names are stored unfolded. */
export function loosePattern(text: string): string {
  return [...foldForSearch(text)]
    .map((ch) => {
      const variants = variantsOf.get(ch);
      if (variants) return `[${variants}]`;
      return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    })
    .join('')
    .replace(/ /g, '\\s+');
}

function localDayStart(day: Date): Date {
  return new Date(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
}

function queryOf(actor: Actor, filter: AuditFilter) {
  const query: Record<string, unknown> = scopeFilter(actor);
  if (filter.objectType) query.objectType = filter.objectType;
  if (filter.action) query.action = filter.action;
  if (filter.actorName) query.actorName = { $regex: loosePattern(filter.actorName), $options: 'i' };
  const at: Record<string, Date> = {};
  if (filter.from) at.$gte = localDayStart(filter.from);
  if (filter.to) {
    const end = localDayStart(filter.to);
    end.setDate(end.getDate() + 1);
    at.$lt = end;
  }
  if (Object.keys(at).length) query.at = at;
  return query;
}

/** A stored value as text for the log: calendar dates as dd/MM/yyyy, instants with the time. */
export function displayValue(v: unknown): string {
  if (v == null || v === '') return '';
  if (v instanceof Date) {
    const calendarDay = v.getUTCHours() === 0 && v.getUTCMinutes() === 0 && v.getUTCSeconds() === 0 && v.getUTCMilliseconds() === 0;
    return calendarDay ? formatDate(v) : formatDateTime(v);
  }
  if (v instanceof Types.ObjectId) return String(v);
  if (Array.isArray(v)) return v.map(displayValue).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function shape(e: AuditEntry) {
  return {
    id: String(e._id),
    at: e.at,
    actorName: e.actorName,
    objectType: e.objectType,
    objectId: String(e.objectId),
    action: e.action,
    changes: (e.changes ?? []).map((c) => ({ field: c.field ?? '', before: displayValue(c.before), after: displayValue(c.after) })),
  };
}

export type AuditRow = ReturnType<typeof shape>;

/** One page of the log in the administrator's scope, newest first. */
export async function searchAudit(actor: Actor, filter: AuditFilter, page: number) {
  const query = queryOf(actor, filter);
  const total = await AuditEntryModel.countDocuments(query);
  const pager = pageInfo(page, total);
  const entries = await AuditEntryModel.find(query)
    .sort({ at: -1, _id: -1 })
    .skip((pager.page - 1) * PAGE_SIZE)
    .limit(PAGE_SIZE)
    .lean<AuditEntry[]>();
  return { entries: entries.map(shape), pager };
}

/** The object types and actions present in the administrator's scope, for the filter lists. */
export async function filterChoices(actor: Actor) {
  const match = scopeFilter(actor);
  const distinct = async (field: 'objectType' | 'action') => {
    const groups = await AuditEntryModel.aggregate<{ _id: string }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]);
    return groups.map((g) => g._id).filter(Boolean).sort();
  };
  const [objectTypes, actions] = await Promise.all([distinct('objectType'), distinct('action')]);
  return { objectTypes, actions };
}

/** Every entry about one object that lies in the administrator's scope, newest first. */
export async function objectHistory(actor: Actor, objectType: string, objectId: string) {
  scopeFilter(actor);
  if (!isValidObjectId(objectId)) throw new NotFound();
  const entries = await AuditEntryModel.find({ objectType, objectId }).sort({ at: -1, _id: -1 }).lean<AuditEntry[]>();
  if (!entries.length) throw new NotFound();
  const visible = entries.filter((e) => coversUnit(actor, e.unitPath ?? [], 'admin'));
  if (!visible.length) throw new Forbidden();
  return visible.map(shape);
}
