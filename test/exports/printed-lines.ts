// How a reader who knows only the printed signs reads a line of a published table: a number, "<3" (1 or 2) or "x"
// (hidden, not zero). A line is parts that add up to a total; it gives a hidden count away when it is the line's only
// hidden one, or when the bounds the other members set meet in one value.

export type Bound = [number, number];
export interface Line {
  name: string;
  parts: string[];
  total: string;
}

export function bounds(text: string): Bound {
  if (text === '<3') return [1, 2];
  if (text === 'x') return [1, Infinity];
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw new Error(`not a count: "${text}"`);
  return [n, n];
}
export const hidden = (text: string) => text === '<3' || text === 'x';

/** Hidden counts of the line the reader can pin down: the only hidden one, or one whose bounds meet in one value. */
export function givenAway(line: Line): string[] {
  const members = [...line.parts, line.total];
  const hiddenAt = members.map((_, i) => i).filter((i) => hidden(members[i]!));
  if (hiddenAt.length === 1) return [`${line.name}: the only hidden count`];
  const b = members.map(bounds);
  const total = members.length - 1;
  const out: string[] = [];
  for (const i of hiddenAt) {
    let [lo, hi] = b[i]!;
    const others = b.filter((_, j) => j !== i && j !== total);
    if (i === total) {
      lo = Math.max(lo, others.reduce((n, x) => n + x[0], 0));
      hi = Math.min(hi, others.reduce((n, x) => n + x[1], 0));
    } else {
      lo = Math.max(lo, b[total]![0] - others.reduce((n, x) => n + x[1], 0));
      hi = Math.min(hi, b[total]![1] - others.reduce((n, x) => n + x[0], 0));
    }
    if (lo >= hi) out.push(`${line.name}: member ${i} is ${lo}`);
  }
  return out;
}

