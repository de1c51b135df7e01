import * as statistics from '../statistics/index.js';

export const QUARTERS = [1, 2, 3, 4] as const;
/** The remedies a case records, in the order the workbook prints them (the incidents feature's kinds). */
export const REMEDIES = ['APOLOGY', 'REMINDER_TRAINING', 'DISCIPLINE_REFERRAL'] as const;

const quarterOf = (month: string) => Math.ceil(Number(month) / 3) - 1;

/** What the province workbook's comparison sheets read of a commune's yearly figures, by quarter where they can be. */
export interface CommuneFigures {
  received: number[];
  substantiated: number[];
  ratings: number[];
  satisfied: number[];
  /** Per REMEDIES kind: reports received in the year with that remedy recorded. */
  remedies: number[];
}

export function communeFigures(f: statistics.UnitYearFigures): CommuneFigures {
  const out: CommuneFigures = { received: [0, 0, 0, 0], substantiated: [0, 0, 0, 0], ratings: [0, 0, 0, 0], satisfied: [0, 0, 0, 0], remedies: REMEDIES.map(() => 0) };
  for (const [m, byStatus] of Object.entries(f.reports)) for (const n of Object.values(byStatus)) out.received[quarterOf(m)]! += n;
  for (const [m, n] of Object.entries(f.substantiatedByMonth ?? {})) out.substantiated[quarterOf(m)]! += n;
  for (const [m, r] of Object.entries(f.ratings)) {
    out.ratings[quarterOf(m)]! += r.total;
    out.satisfied[quarterOf(m)]! += r.satisfied;
  }
  for (const byKind of Object.values(f.remediesByMonth ?? {})) REMEDIES.forEach((kind, i) => (out.remedies[i]! += byKind[kind] ?? 0));
  return out;
}

export const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Share of the finalised criterion results that were fulfilled, per criterion code and over all. */
export function fulfilment(f: statistics.UnitYearFigures, code?: string): { ok: number; all: number } {
  if (code) return { ok: f.results[code]?.ok ?? 0, all: f.results[code]?.all ?? 0 };
  const n = statistics.totalsOf(f);
  return { ok: n.fulfilled, all: n.results };
}
