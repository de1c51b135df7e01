import { Types } from 'mongoose';
import { foldForSearch } from '../shared/text.js';
import { AuditEntryModel, AuditSequenceModel } from './model.js';
import { SequenceIndex } from './sequences.js';
import type { Actor } from '../auth/index.js';

export { BUCKET, NUMBERED_MARKER, SequenceIndex, dimOfField, type SequenceSource, type SequencePlan } from './sequences.js';

type Plain = Record<string, unknown>;

function comparable(v: unknown): string {
  return JSON.stringify(v ?? null);
}

export function diff(before: Plain | null, after: Plain | null): { field: string; before: unknown; after: unknown }[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes = [];
  for (const field of fields) {
    if (['_id', '__v', 'updatedAt', 'createdAt', 'version', 'searchName', 'sortKey', 'searchKeys', 'sortBucket'].includes(field)) continue;
    const b = before?.[field];
    const a = after?.[field];
    if (comparable(b) !== comparable(a)) changes.push({ field, before: b ?? null, after: a ?? null });
  }
  return changes;
}

const MAX_PREFIX = 40;

/**
 * What a name search matches by equality: the folded text from the start of each word, cut at every length
 * ("lo van phich" → "l", "lo", … "lo van phich", "v", … "van phich", "p", … "phich").
 */
export function wordStartPrefixes(text: string): string[] {
  const words = foldForSearch(text).split(' ').filter(Boolean);
  const keys = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const rest = words.slice(i).join(' ').slice(0, MAX_PREFIX);
    for (let len = 1; len <= rest.length; len++) if (rest[len - 1] !== ' ') keys.add(rest.slice(0, len));
  }
  return [...keys];
}

export const SYSTEM_ACTOR = 'system';
export const actorDim = (actorId: unknown) => `u:${actorId ? String(actorId) : SYSTEM_ACTOR}`;

/**
 * The log's numbering (sequences.ts): for each unit on an entry's path, overall, by record type, by action, by
 * both, and by actor (the actor's counter also names them, for the actor filter).
 */
export const auditIndex = new SequenceIndex({
  docs: AuditEntryModel,
  counters: AuditSequenceModel,
  keysField: 'seqKeys',
  pendingField: 'seqPending',
  timeField: 'at',
  planFields: 'unitPath objectType action actorId actorName',
  plan: (e) =>
    ((e.unitPath as Types.ObjectId[] | undefined) ?? []).map((unit) => ({
      scope: String(unit),
      dims: ['all', `t:${String(e.objectType)}`, `a:${String(e.action)}`, `ta:${String(e.objectType)}:${String(e.action)}`, actorDim(e.actorId)],
    })),
  ownDocument: (dim) => dim.startsWith('u:'),
  // The log's page reads a unit's counter for its filter choices and for its counts.
  counterReadsPerRequest: true,
  // The retention run blanks erased values in old entries (eraseValuesOf).
  rewrites: { revision: 'auditEntries.rewritten', recheckMs: 1000 },
  // Every name the actor has been recorded under (a renamed account stays findable by its old name).
  counterFields: (_scope, dim, e) =>
    dim.startsWith('u:') ? { name: String(e.actorName ?? ''), names: [String(e.actorName ?? '')], nameKeys: wordStartPrefixes(String(e.actorName ?? '')) } : {},
});

export async function record(entry: {
  actor: Actor | null;
  objectType: string;
  objectId: Types.ObjectId;
  action: string;
  before?: Plain | null;
  after?: Plain | null;
  /** The unit the object belongs to (its ancestors included): administrators see the entries of their subtree only. */
  unitPath: Types.ObjectId[];
}): Promise<void> {
  const doc = {
    actorId: entry.actor?.userId ?? null,
    actorName: entry.actor?.displayName ?? SYSTEM_ACTOR,
    objectType: entry.objectType,
    objectId: entry.objectId,
    action: entry.action,
    changes: diff(entry.before ?? null, entry.after ?? null),
    unitPath: entry.unitPath,
  };
  const stored = { _id: new Types.ObjectId(), ...doc, at: new Date(), seqKeys: [], seqPending: true };
  // Through the driver: every field is already of its stored type (the signature says so), and building a mongoose
  // document of the changes (two copies of a form's ratings) cost about a millisecond of every audited request.
  await auditIndex.append(stored, () => AuditEntryModel.collection.insertOne(stored));
}

/** Start-up work (idempotent): numbers an audit log written before the numbering existed. */
export async function prepareAuditLog(log?: (msg: string) => void): Promise<void> {
  if (!(await auditIndex.ensure(0))) await auditIndex.rebuild(log);
  else await auditIndex.numberLeftPending();
}

/**
 * The entries a person wrote as actor, for their right of access (Law 91/2025/QH15): when, what kind of
 * record, which, the action and the names of the fields changed — not the values, which are other people's data as
 * often as theirs (an evaluation they rated, a case they handled).
 */
export async function entriesByActor(userIds: readonly Types.ObjectId[]) {
  const out: { at: Date; objectType: string; objectId: Types.ObjectId; action: string; fields: string[] }[] = [];
  for (const actorId of userIds) {
    const rows = await AuditEntryModel.find({ actorId }).select('at objectType objectId action changes.field').sort({ at: 1 }).lean();
    for (const e of rows) out.push({ at: e.at, objectType: e.objectType, objectId: e.objectId, action: e.action, fields: (e.changes ?? []).map((c) => String(c.field)) });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * Blanks the values of some fields in every entry of one record (who did what, and when, stays): for a record whose
 * free text is erased at the end of its retention period, so the log does not keep a copy of it. Returns how many
 * entries changed; a second call changes none.
 */
export async function eraseValuesOf(objectType: string, objectId: Types.ObjectId, fields: readonly string[]): Promise<number> {
  const blank = (v: unknown) => (v == null || v === '' ? v : '');
  const entries = await AuditEntryModel.find({ objectType, objectId }).select('changes').lean();
  let changed = 0;
  for (const e of entries) {
    const changes = e.changes ?? [];
    const holdsText = (c: (typeof changes)[number]) => fields.includes(String(c.field)) && (blank(c.before) !== c.before || blank(c.after) !== c.after);
    if (!changes.some(holdsText)) continue;
    const next = changes.map((c) => (fields.includes(String(c.field)) ? { field: c.field, before: blank(c.before) ?? null, after: blank(c.after) ?? null } : { field: c.field, before: c.before ?? null, after: c.after ?? null }));
    await AuditEntryModel.updateOne({ _id: e._id }, { $set: { changes: next } });
    changed++;
  }
  if (changed > 0) await auditIndex.documentsRewritten();
  return changed;
}
