import type { Types } from 'mongoose';

/**
 * "Which units came before these": the units merged or closed into them, every generation back. Answered by the units
 * feature (it registers the answer when loaded), asked by features that must not know it, such as auth, which gives a
 * successor's heads and administrators the predecessors' records (the successor takes over their rights and duties).
 */
type PredecessorLookup = (unitIds: readonly Types.ObjectId[]) => Promise<Types.ObjectId[]>;
let lookup: PredecessorLookup | null = null;

export function answerPredecessors(fn: PredecessorLookup): void {
  lookup = fn;
}

/** The predecessors of these units, all generations back, each once (none when no units feature is loaded). */
export async function predecessorsOf(unitIds: readonly Types.ObjectId[]): Promise<Types.ObjectId[]> {
  return lookup && unitIds.length ? lookup(unitIds) : [];
}
