import { seededRandom as generator } from '../../src/shared/seeded-random.js';
/**
 * A small deterministic random source for property-style tests: the same seed gives the same data and the same
 * filter combinations on every run, so a failure names a case that can be replayed.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[];
  shuffle<T>(items: readonly T[]): T[];
}

/** Helpers for property-style tests over the project's seeded generator. */
export function seededRandom(seed: number): SeededRandom {
  const next = generator(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(0, items.length - 1)]!,
    sample: (items, n) => shuffle(items).slice(0, n),
    shuffle,
  };
}

/** The page numbers worth checking for a result of `total` rows: first, second, middle, last, and beyond the last. */
export function pagesToCheck(total: number, size: number): number[] {
  const last = Math.max(1, Math.ceil(total / size));
  return [...new Set([1, 2, Math.ceil(last / 2), last, last + 1, last + 7])].sort((a, b) => a - b);
}

/** What a page of `rows` (already in display order) is, by the rules of shared/pagination.ts: a page beyond the last shows the last. */
export function referencePage<T>(rows: readonly T[], page: number, size: number): { rows: T[]; pager: { page: number; pages: number; total: number; size: number } } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(1, page), pages);
  return { rows: rows.slice((p - 1) * size, p * size), pager: { page: p, pages, total: rows.length, size } };
}
