import { isId } from '../shared/ids.js';
import { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { coversUnit, scopeRoots } from '../auth/index.js';
import { Forbidden, NotFound } from '../shared/errors.js';
import { formatDate, formatDateTime, vietnamDayStart } from '../shared/dates.js';
import { PAGE_SIZE, pageInfo } from '../shared/pagination.js';
import { foldForSearch } from '../shared/text.js';
import { AuditEntryModel, type AuditEntry } from './model.js';
import { actorDim, auditIndex, dimOfField, wordStartPrefixes, type SequenceSource } from './service.js';
import { outermostUnits, unitsSnapshot } from '../units/index.js';

/**
 * An administrator or a unit head reads the entries whose unitPath contains a unit they administer or head. Every
 * feature records the unit's path (a province-level object such as a code version records [provinceId]), so one
 * membership test scopes the log; an entry recorded without a unitPath belongs to no province and is shown to no one.
 * A case about a head is handled a level up, so its entries are outside the head's own unit.
 */
const READERS = ['head', 'admin'] as const;

function entriesInScope(actor: Actor) {
  const roots = scopeRoots(actor, ...READERS);
  if (!roots.length) throw new Forbidden();
  return { unitPath: { $in: roots } };
}

export interface AuditFilter {
  objectType?: string;
  action?: string;
  /** The start of words of the actor's name as recorded ("van ph" finds "Lò Văn Phích", "hich" does not), with or without diacritics. */
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


function queryOf(actor: Actor, filter: AuditFilter) {
  const query: Record<string, unknown> = entriesInScope(actor);
  if (filter.objectType) query.objectType = filter.objectType;
  if (filter.action) query.action = filter.action;
  if (filter.actorName) query.actorName = { $regex: loosePattern(filter.actorName), $options: 'i' };
  const { from, to } = bounds(filter);
  const at: Record<string, Date> = {};
  if (from) at.$gte = from;
  if (to) at.$lt = to;
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
  // A rating in an entry written before the log kept one field per criterion: its code, level and text only.
  if (typeof v === 'object' && 'criterionCode' in v) {
    const r = v as { criterionCode: unknown; level?: unknown; comment?: unknown; reason?: unknown };
    return [`${String(r.criterionCode)}: ${String(r.level ?? '')}`, r.comment || r.reason].filter(Boolean).join(' — ');
  }
  // A nested record (a reply, a finding) as "name: value" pairs rather than JSON.
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).filter(([, x]) => x != null && x !== '').map(([k, x]) => `${k}: ${displayValue(x)}`).join('; ');
  return String(v);
}

type UnitNames = Awaited<ReturnType<typeof unitsSnapshot>>;

/** A unit named by its id in a change (the handling unit, the unit escalated to) is shown by its name. */
const valueOf = (units: UnitNames, field: string, v: unknown) => (v instanceof Types.ObjectId && /[uU]nitId$/.test(field) ? (units.byId(v)?.name ?? String(v)) : v);

function shaped(units: UnitNames) {
  return (e: AuditEntry) => shape(e, units);
}

function shape(e: AuditEntry, units: UnitNames) {
  return {
    id: String(e._id),
    at: e.at,
    actorName: e.actorName,
    objectType: e.objectType,
    objectId: String(e.objectId),
    action: e.action,
    changes: (e.changes ?? []).map((c) => ({ field: c.field ?? '', before: displayValue(valueOf(units, c.field ?? '', c.before)), after: displayValue(valueOf(units, c.field ?? '', c.after)) })),
  };
}

export type AuditRow = ReturnType<typeof shape>;

const SELECT = 'at actorName objectType objectId action changes';
/** Beyond this many actors matching a name, the log is walked with the actor as a condition instead of merging their sequences. */
const MERGE_ACTORS = 20;
/** How long a page waits for the log to be numbered (an older database, on first use) before reading it the old way. */
const NUMBERING_WAIT_MS = 2000;

/** The administrator's roots, without those under another root (their entries are already counted there). */
async function distinctRoots(actor: Actor): Promise<string[]> {
  const roots = scopeRoots(actor, ...READERS);
  if (!roots.length) throw new Forbidden();
  return (await outermostUnits(roots)).map(String);
}

/** The filter's days as moments: from 00:00 in Việt Nam on the first day to 00:00 after the last. */
function bounds(filter: AuditFilter): { from?: Date; to?: Date } {
  const out: { from?: Date; to?: Date } = {};
  if (filter.from) out.from = vietnamDayStart(filter.from);
  if (filter.to) out.to = vietnamDayStart(new Date(filter.to.getTime() + 86_400_000));
  return out;
}

/**
 * One page of the log in the administrator's scope, newest first. The page reads only its own entries: by the
 * sequence of the filter asked for (record type, action, both, or the actors whose name matches), the date bounds
 * found by a binary search in it; only an actor combined with a type or action walks that actor's entries.
 */
export async function searchAudit(actor: Actor, filter: AuditFilter, page: number) {
  const roots = await distinctRoots(actor);
  if (!(await auditIndex.ensure(NUMBERING_WAIT_MS))) return legacySearchAudit(actor, filter, page);
  const dim = filter.objectType && filter.action ? `ta:${filter.objectType}:${filter.action}` : filter.objectType ? `t:${filter.objectType}` : filter.action ? `a:${filter.action}` : 'all';
  let sources: SequenceSource[] = roots.map((scope) => ({ scope, dim }));
  const pushdown: Record<string, unknown> = {};
  let test: ((e: Record<string, unknown>) => boolean) | undefined;
  const name = filter.actorName ? foldForSearch(filter.actorName) : '';
  if (name) {
    const actors = (await Promise.all(roots.map((scope) => auditIndex.countersWhere({ scope, nameKeys: name })))).flat();
    const dims = new Map(actors.map((a) => [String(a._id), String(a._id).slice(String(a.scope).length + 1)]));
    if (!actors.length) return { entries: [], pager: pageInfo(1, 0) };
    // An account recorded under several names: only its entries recorded under a matching name are shown.
    const renamed = new Set(actors.filter((a) => ((a.names as string[] | undefined) ?? []).length > 1).map((a) => dims.get(String(a._id))!));
    const recordedUnderName = (e: Record<string, unknown>) => !renamed.has(actorDim(e.actorId)) || wordStartPrefixes(String(e.actorName ?? '')).includes(name);
    if (actors.length <= MERGE_ACTORS) {
      sources = actors.map((a) => ({ scope: String(a.scope), dim: dims.get(String(a._id))! }));
      if (filter.objectType) pushdown.objectType = filter.objectType;
      if (filter.action) pushdown.action = filter.action;
      if (renamed.size) test = recordedUnderName;
    } else {
      const wanted = new Set([...dims.values()]);
      test = (e) => wanted.has(actorDim(e.actorId)) && recordedUnderName(e);
    }
  }
  const result = await auditIndex.page({ sources, page, size: PAGE_SIZE, select: `${SELECT} actorId actorName`, ...bounds(filter), pushdown, test });
  return { entries: (result.rows as unknown as AuditEntry[]).map(shaped(await unitsSnapshot())), pager: pageInfo(result.page, result.total) };
}

/** The log read by a filter on the whole collection: only until the log has been numbered. */
async function legacySearchAudit(actor: Actor, filter: AuditFilter, page: number) {
  const query = queryOf(actor, filter);
  const total = await AuditEntryModel.countDocuments(query);
  const pager = pageInfo(page, total);
  const entries = await AuditEntryModel.find(query)
    .select(SELECT)
    .sort({ at: -1, _id: -1 })
    .skip((pager.page - 1) * PAGE_SIZE)
    .limit(PAGE_SIZE)
    .lean<AuditEntry[]>();
  return { entries: entries.map(shaped(await unitsSnapshot())), pager };
}

/** The object types and actions present in the administrator's scope, for the filter lists: from the units' counters. */
export async function filterChoices(actor: Actor) {
  const roots = await distinctRoots(actor);
  if (!(await auditIndex.ensure(NUMBERING_WAIT_MS))) return legacyFilterChoices(actor);
  // The same counter documents the page's counts read next (once per request).
  const counters = (await auditIndex.countersById(roots)).filter((c) => c != null);
  const counted = Object.keys(Object.assign({}, ...counters.map((c) => c.n as Record<string, number>))).map(dimOfField);
  const values = (prefix: string) => [...new Set(counted.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)))].filter(Boolean).sort();
  return { objectTypes: values('t:'), actions: values('a:') };
}

async function legacyFilterChoices(actor: Actor) {
  const match = entriesInScope(actor);
  const distinct = async (field: 'objectType' | 'action') => {
    const groups = await AuditEntryModel.aggregate<{ _id: string }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]);
    return groups.map((g) => g._id).filter(Boolean).sort();
  };
  const [objectTypes, actions] = await Promise.all([distinct('objectType'), distinct('action')]);
  return { objectTypes, actions };
}

/** Every entry about one object that lies in the administrator's scope, newest first. */
export async function objectHistory(actor: Actor, objectType: string, objectId: string) {
  entriesInScope(actor);
  if (!isId(objectId)) throw new NotFound();
  const entries = await AuditEntryModel.find({ objectType, objectId }).select(`${SELECT} unitPath`).sort({ at: -1, _id: -1 }).lean<AuditEntry[]>();
  if (!entries.length) throw new NotFound();
  const visible = entries.filter((e) => coversUnit(actor, e.unitPath ?? [], ...READERS));
  if (!visible.length) throw new Forbidden();
  return visible.map(shaped(await unitsSnapshot()));
}
