import type { Types } from 'mongoose';
import { AuditEntryModel } from './model.js';
import type { Actor } from '../auth/actor.js';

type Plain = Record<string, unknown>;

function comparable(v: unknown): string {
  return JSON.stringify(v ?? null);
}

export function diff(before: Plain | null, after: Plain | null): { field: string; before: unknown; after: unknown }[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes = [];
  for (const field of fields) {
    if (['_id', '__v', 'updatedAt', 'createdAt', 'version', 'searchName', 'sortKey'].includes(field)) continue;
    const b = before?.[field];
    const a = after?.[field];
    if (comparable(b) !== comparable(a)) changes.push({ field, before: b ?? null, after: a ?? null });
  }
  return changes;
}

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
  await AuditEntryModel.create({
    actorId: entry.actor?.userId ?? null,
    actorName: entry.actor?.displayName ?? 'system',
    objectType: entry.objectType,
    objectId: entry.objectId,
    action: entry.action,
    changes: diff(entry.before ?? null, entry.after ?? null),
    unitPath: entry.unitPath,
  });
}
