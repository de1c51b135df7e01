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

/**
 * "The unit tree changed": units re-parented, merged or closed. Heard by the features that copy a unit's path into
 * their records (staff) and by read models (statistics), so that units need not know them.
 */
type UnitsListener = (unitIds: readonly Types.ObjectId[]) => Promise<void>;
const subtreeMovedListeners: UnitsListener[] = [];
const unitsChangedListeners: UnitsListener[] = [];

/** These units now sit under a new parent (their `path` was rewritten): records copying the path follow. */
export function onSubtreeMoved(listener: UnitsListener): void {
  subtreeMovedListeners.push(listener);
}

export async function subtreeMoved(unitIds: readonly Types.ObjectId[]): Promise<void> {
  for (const listener of subtreeMovedListeners) await listener(unitIds);
}

/**
 * "A merger or closure took effect": the units ended and the one that took over. Heard by the features whose records
 * sit on a unit (staff, the users' grants), which move them to the successor on the effective date.
 */
export interface Reorganised {
  endedUnitIds: readonly Types.ObjectId[];
  successorId: Types.ObjectId;
}
type ReorganisedListener = (change: Reorganised) => Promise<void>;
const reorganisedListeners: ReorganisedListener[] = [];

export function onReorganised(listener: ReorganisedListener): void {
  reorganisedListeners.push(listener);
}

export async function reorganised(change: Reorganised): Promise<void> {
  for (const listener of reorganisedListeners) await listener(change);
}

/**
 * "A person's discipline decisions taking effect in these years changed": heard by the classification, whose stored
 * level may now be above what the year's discipline allows.
 */
export interface DisciplineChanged {
  staffId: Types.ObjectId;
  years: readonly number[];
}
type DisciplineListener = (change: DisciplineChanged) => Promise<void>;
const disciplineListeners: DisciplineListener[] = [];

export function onDisciplineChanged(listener: DisciplineListener): void {
  disciplineListeners.push(listener);
}

export async function disciplineChanged(change: DisciplineChanged): Promise<void> {
  for (const listener of disciplineListeners) await listener(change);
}

/** Figures under these units must be computed again (after any records have followed their paths). */
export function onUnitsChanged(listener: UnitsListener): void {
  unitsChangedListeners.push(listener);
}

export async function unitsChanged(unitIds: readonly Types.ObjectId[]): Promise<void> {
  for (const listener of unitsChangedListeners) await listener(unitIds);
}
