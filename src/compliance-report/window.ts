/**
 * The stretch of time a report covers: a calendar year, or consecutive months of one year (a quarter, a half-year,
 * any months the user picks). The statistics read model keeps some figures per month (reports, ratings, evaluations
 * by period) and the others per year only; see CONTEXT.md.
 */
export interface ReportWindow {
  year: number;
  /** 1–12, inclusive. */
  from: number;
  to: number;
}

export const WINDOW_KINDS = ['year', 'Q1', 'Q2', 'Q3', 'Q4', 'H1', 'H2', 'months'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export function windowOf(kind: WindowKind, year: number, fromMonth?: number, toMonth?: number): ReportWindow {
  if (kind === 'year') return { year, from: 1, to: 12 };
  if (kind === 'H1' || kind === 'H2') return kind === 'H1' ? { year, from: 1, to: 6 } : { year, from: 7, to: 12 };
  if (kind === 'months') return { year, from: fromMonth!, to: toMonth! };
  const q = Number(kind.slice(1));
  return { year, from: 3 * q - 2, to: 3 * q };
}

export const isWholeYear = (w: ReportWindow) => w.from === 1 && w.to === 12;
export const lengthOf = (w: ReportWindow) => w.to - w.from + 1;

/** The window of the same length just before this one, as pieces of calendar years (a quarter I looks back to IV). */
export function previousWindow(w: ReportWindow): ReportWindow[] {
  if (isWholeYear(w)) return [{ year: w.year - 1, from: 1, to: 12 }];
  const start = w.from - lengthOf(w);
  if (start >= 1) return [{ year: w.year, from: start, to: w.from - 1 }];
  const pieces: ReportWindow[] = [{ year: w.year - 1, from: 12 + start, to: 12 }];
  if (w.from > 1) pieces.push({ year: w.year, from: 1, to: w.from - 1 });
  return pieces;
}

/** "năm 2026", "quý I năm 2026", "6 tháng đầu năm 2026", "từ tháng 3 đến tháng 5 năm 2026". */
export function windowLabel(w: ReportWindow): string {
  if (isWholeYear(w)) return `năm ${w.year}`;
  const quarter = ['I', 'II', 'III', 'IV'];
  if (lengthOf(w) === 3 && (w.from - 1) % 3 === 0) return `quý ${quarter[(w.from - 1) / 3]} năm ${w.year}`;
  if (w.from === 1 && w.to === 6) return `6 tháng đầu năm ${w.year}`;
  if (w.from === 7 && w.to === 12) return `6 tháng cuối năm ${w.year}`;
  if (w.from === w.to) return `tháng ${w.from} năm ${w.year}`;
  return `từ tháng ${w.from} đến tháng ${w.to} năm ${w.year}`;
}

export const piecesLabel = (pieces: readonly ReportWindow[]) =>
  pieces.length === 1 ? windowLabel(pieces[0]!) : `từ tháng ${pieces[0]!.from} năm ${pieces[0]!.year} đến tháng ${pieces[pieces.length - 1]!.to} năm ${pieces[pieces.length - 1]!.year}`;

/** The months of a period key ('2026-03', '2026-Q1', '2026', '2026-H1') within its year, or null for an unknown key. */
export function monthsOfPeriodKey(key: string): { year: number; from: number; to: number } | null {
  const m = /^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?$/.exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  if (m[2]) return { year, from: Number(m[2]), to: Number(m[2]) };
  if (m[3]) return { year, from: 3 * Number(m[3]) - 2, to: 3 * Number(m[3]) };
  if (m[4]) return m[4] === '1' ? { year, from: 1, to: 6 } : { year, from: 7, to: 12 };
  return { year, from: 1, to: 12 };
}
