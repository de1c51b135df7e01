import type { Types } from 'mongoose';

/**
 * "Records that figures count have changed here": written by the features that own the records (evaluations,
 * classifications, reports, ratings, late dossiers, staff), heard by read models such as the statistics, without
 * the writers knowing who listens. Listeners are awaited, so a page read after the write sees the change.
 */
export interface RecordsChanged {
  /** Path of the unit the records sit on (root first). */
  unitPath: readonly Types.ObjectId[];
  /** The years whose figures they count in. */
  years: readonly number[];
}

type Listener = (change: RecordsChanged) => Promise<void>;
const listeners: Listener[] = [];

export function onRecordsChanged(listener: Listener): void {
  listeners.push(listener);
}

export async function recordsChanged(unitPath: readonly Types.ObjectId[], ...years: number[]): Promise<void> {
  const unique = [...new Set(years)];
  for (const listener of listeners) await listener({ unitPath, years: unique });
}
