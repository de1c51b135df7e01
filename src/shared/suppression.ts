import { numberFormatter } from './text.js';

/** A count as shown: below the threshold (but not zero) it is hidden, so the people behind it cannot be identified. */
export type Shown = number | { below: number };

export function suppress(n: number, threshold: number): Shown {
  return n > 0 && n < threshold ? { below: threshold } : n;
}

/** How a shown count reads on a page: the number in the reader's locale, or "<n". */
export const shownText = (locale: string) => {
  const format = numberFormatter(locale);
  return (v: Shown) => (typeof v === 'number' ? format(v) : `<${v.below}`);
};

/**
 * Complementary suppression of a table whose totals are published with it.
 *
 * Cells are numbered 0…n-1; each line says "the parts add up to the total" (a row, a column, the totals row, or a link
 * between two cells that print the same count in two places). A cell is one of:
 * - SHOWN: printed as it is;
 * - SMALL: a count 1…threshold-1, printed "<threshold" (the reader learns it lies in 1…threshold-1);
 * - HIDDEN: printed "x" (the reader learns only that it is not zero): a count hidden so that a small one cannot be
 *   worked out from a total, or a small one whose "<3" would, with the others, pin it down (a total "<3" beside
 *   parts "<3": 1 + 1 = 2).
 *
 * The rule the result keeps: in no line can one hidden cell be worked out from the others and the line's total —
 * neither exactly (a line never has exactly one hidden cell) nor by the bounds the printed signs give (the parts
 * "<3", "<3" of a total 2 are both 1). Chains of several lines solved together are not considered.
 *
 * Zeros are published (they identify no one); counts 1…threshold-1 are hidden first. Then, line by line until
 * nothing changes, a line that gives a hidden cell away hides one more of its cells: the smallest non-zero shown one
 * (the least information lost); when none is left, a "<3" of the line becomes "x" (its total's first); only then a
 * zero is hidden.
 */
export const SHOWN = 0;
export const SMALL = 1;
export const HIDDEN = 2;
export type CellMark = typeof SHOWN | typeof SMALL | typeof HIDDEN;

export interface Line {
  parts: readonly number[];
  total: number;
}

export function complementarySuppression(values: ArrayLike<number>, lines: readonly Line[], threshold: number): Uint8Array {
  const steps = suppressionSteps(values, lines, threshold);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The same, giving way to other work whenever `turn` asks (a province's workbook has ~50,000 linked counts). */
export async function complementarySuppressionInTurns(values: ArrayLike<number>, lines: readonly Line[], threshold: number, turn: () => Promise<void>): Promise<Uint8Array> {
  const steps = suppressionSteps(values, lines, threshold);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn();
  }
}

/** Pauses (yields) every few hundred lines looked at. */
const LINES_PER_STEP = 256;

function* suppressionSteps(values: ArrayLike<number>, lines: readonly Line[], threshold: number): Generator<void, Uint8Array> {
  const n = values.length;
  const marks = new Uint8Array(n);
  // A "<2" would say "exactly 1": with such a threshold every hidden count is an "x".
  const smallSign = threshold > 2;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v > 0 && v < threshold) marks[i] = smallSign ? SMALL : HIDDEN;
  }
  if (threshold <= 1) return marks;

  // Lines of each cell, to look again at the lines of a cell that changed: one flat list (a province has many cells).
  const start = new Int32Array(n + 1);
  for (const l of lines) {
    for (const p of l.parts) start[p + 1]!++;
    start[l.total + 1]!++;
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const linesOf = new Int32Array(start[n]!);
  const fill = start.slice(0, n);
  lines.forEach((l, li) => {
    for (const p of l.parts) linesOf[fill[p]!++] = li;
    linesOf[fill[l.total]!++] = li;
  });
  const queued = new Uint8Array(lines.length).fill(1);
  const queue: number[] = lines.map((_, i) => i);
  const change = (cell: number, mark: CellMark) => {
    marks[cell] = mark;
    for (let k = start[cell]!; k < start[cell + 1]!; k++) {
      const li = linesOf[k]!;
      if (!queued[li]) {
        queued[li] = 1;
        queue.push(li);
      }
    }
  };
  const low = (i: number) => (marks[i] === SHOWN ? values[i]! : 1);
  const high = (i: number) => (marks[i] === SHOWN ? values[i]! : marks[i] === SMALL ? threshold - 1 : Infinity);

  for (let head = 0; head < queue.length; head++) {
    if (head % LINES_PER_STEP === LINES_PER_STEP - 1) yield;
    const li = queue[head]!;
    queued[li] = 0;
    const line = lines[li]!;
    if (!givesAway(line, marks, low, high)) continue;
    const members = [...line.parts, line.total];
    let pick = -1;
    for (const i of members) if (marks[i] === SHOWN && values[i]! > 0 && (pick < 0 || values[i]! < values[pick]!)) pick = i;
    if (pick >= 0) {
      change(pick, HIDDEN);
      continue;
    }
    // A total "<3" over parts "<3" pins them down (1 + 1 = 2): its "<3" goes first.
    const small = marks[line.total] === SMALL ? line.total : members.find((i) => marks[i] === SMALL);
    if (small !== undefined) {
      change(small, HIDDEN);
      continue;
    }
    const zero = members.find((i) => marks[i] === SHOWN);
    if (zero !== undefined) change(zero, HIDDEN);
  }
  return marks;
}

/**
 * Whether the line lets a reader work out one of its hidden cells: exactly one hidden, or a hidden cell whose bounds
 * from this equation (the total minus the others, each at its printed bounds) meet in one value.
 */
export function givesAway(line: Line, marks: ArrayLike<number>, low: (i: number) => number, high: (i: number) => number): boolean {
  const members = [...line.parts, line.total];
  let hidden = 0;
  for (const i of members) if (marks[i] !== SHOWN) hidden++;
  if (hidden === 0) return false;
  if (hidden === 1) return true;
  // Σ parts − total = 0: each member's range from the others' bounds ("x" has no upper bound).
  let sumLowParts = 0;
  let finiteHighParts = 0;
  let unboundedParts = 0;
  for (const p of line.parts) {
    sumLowParts += low(p);
    const h = high(p);
    if (h === Infinity) unboundedParts++;
    else finiteHighParts += h;
  }
  const othersHigh = (i: number) => {
    const h = high(i);
    const unbounded = unboundedParts - (h === Infinity ? 1 : 0);
    return unbounded > 0 ? Infinity : finiteHighParts - (h === Infinity ? 0 : h);
  };
  const t = line.total;
  for (const i of members) {
    if (marks[i] === SHOWN) continue;
    let lo: number;
    let hi: number;
    if (i === t) {
      lo = Math.max(low(t), sumLowParts);
      hi = Math.min(high(t), unboundedParts > 0 ? Infinity : finiteHighParts);
    } else {
      // part = total − Σ other parts
      lo = Math.max(low(i), low(t) - othersHigh(i));
      hi = Math.min(high(i), high(t) - (sumLowParts - low(i)));
    }
    if (lo >= hi) return true;
  }
  return false;
}

/**
 * The lines of a table with a total for each row, each column and the whole: cell (r, c) is r·cols + c; row totals
 * follow (rows·cols + r), then column totals (rows·cols + rows + c), then the grand total (last).
 */
export function tableLines(rows: number, cols: number, offset = 0): { lines: Line[]; size: number; cell: (r: number, c: number) => number; rowTotal: (r: number) => number; colTotal: (c: number) => number; grand: number } {
  const cell = (r: number, c: number) => offset + r * cols + c;
  const rowTotal = (r: number) => offset + rows * cols + r;
  const colTotal = (c: number) => offset + rows * cols + rows + c;
  const grand = offset + rows * cols + rows + cols;
  const lines: Line[] = [];
  for (let r = 0; r < rows; r++) lines.push({ parts: Array.from({ length: cols }, (_, c) => cell(r, c)), total: rowTotal(r) });
  for (let c = 0; c < cols; c++) lines.push({ parts: Array.from({ length: rows }, (_, r) => cell(r, c)), total: colTotal(c) });
  lines.push({ parts: Array.from({ length: cols }, (_, c) => colTotal(c)), total: grand });
  lines.push({ parts: Array.from({ length: rows }, (_, r) => rowTotal(r)), total: grand });
  return { lines, size: rows * cols + rows + cols + 1, cell, rowTotal, colTotal, grand };
}

/** A count as printed under a mark: the number, "<threshold", or "x". */
export function markedText(value: number, mark: number, threshold: number): number | string {
  return mark === SHOWN ? value : mark === SMALL ? `<${threshold}` : 'x';
}

/** A rate whose numerator or denominator is hidden is hidden too (it would give the count back). */
export function rateShown(marks: readonly number[]): boolean {
  return marks.every((m) => m === SHOWN);
}
