import { expect } from 'chai';
import { complementarySuppression, complementarySuppressionInTurns, HIDDEN, markedText, SHOWN, SMALL, tableLines, type Line } from '../../src/shared/suppression.js';
import { seededRandom } from '../helpers/seeded-random.js';

/**
 * What a reader learns of one cell from one printed line: the total minus the other parts, each other cell taken
 * at its printed bounds (a number is itself, "<t" is 1…t-1, "x" is 1 or more). Written plainly, apart from the code.
 */
function readerRange(values: number[], marks: Uint8Array, threshold: number, line: Line, cell: number): [number, number] {
  const lo = (i: number) => (marks[i] === SHOWN ? values[i]! : 1);
  const hi = (i: number) => (marks[i] === SHOWN ? values[i]! : marks[i] === SMALL ? threshold - 1 : Infinity);
  let min = lo(cell);
  let max = hi(cell);
  if (cell === line.total) {
    min = Math.max(min, line.parts.reduce((n, p) => n + lo(p), 0));
    max = Math.min(max, line.parts.reduce((n, p) => n + hi(p), 0));
  } else {
    const others = line.parts.filter((p) => p !== cell);
    min = Math.max(min, lo(line.total) - others.reduce((n, p) => n + hi(p), 0));
    max = Math.min(max, hi(line.total) - others.reduce((n, p) => n + lo(p), 0));
  }
  return [min, max];
}

/** Cells of a line that a reader can work out: the lone hidden cell, or one whose range is a single value. */
function workedOut(values: number[], marks: Uint8Array, threshold: number, lines: readonly Line[]): string[] {
  const out: string[] = [];
  lines.forEach((line, li) => {
    const members = [...line.parts, line.total];
    const hidden = members.filter((i) => marks[i] !== SHOWN);
    if (hidden.length === 1) out.push(`line ${li}: cell ${hidden[0]} is the only hidden one`);
    for (const i of hidden) {
      const [min, max] = readerRange(values, marks, threshold, line, i);
      if (min >= max) out.push(`line ${li}: cell ${i} lies in ${min}…${max}`);
    }
  });
  return out;
}

/** Values of a table with row, column and grand totals, filled in from its inner cells. */
function tableOf(inner: number[][]): { values: number[]; lines: Line[] } {
  const rows = inner.length;
  const cols = inner[0]!.length;
  const t = tableLines(rows, cols);
  const values = new Array<number>(t.size).fill(0);
  inner.forEach((row, r) =>
    row.forEach((v, c) => {
      values[t.cell(r, c)] = v;
      for (const i of [t.rowTotal(r), t.colTotal(c), t.grand]) values[i] = values[i]! + v;
    }),
  );
  return { values, lines: t.lines };
}

describe('shared: complementary suppression', () => {
  it('when a province total "<3" stands beside communes each "<3", then every one of them is hidden and none can be worked out', () => {
    // Communes 1 and 1, province 2: printed "<3", "<3", "<3" each is 1.
    const values = [1, 1, 2];
    const lines = [{ parts: [0, 1], total: 2 }];
    const marks = complementarySuppression(values, lines, 3);
    expect([...marks]).to.deep.equal([SMALL, SMALL, HIDDEN]);
    expect(workedOut(values, marks, 3, lines)).to.deep.equal([]);
    expect(values.map((v, i) => markedText(v, marks[i]!, 3))).to.deep.equal(['<3', '<3', 'x']);
  });

  it('when one commune is small beside larger ones, then the smallest larger one is hidden with it and the total stays', () => {
    const values = [2, 7, 5, 0, 14];
    const lines = [{ parts: [0, 1, 2, 3], total: 4 }];
    const marks = complementarySuppression(values, lines, 3);
    expect([...marks]).to.deep.equal([SMALL, SHOWN, HIDDEN, SHOWN, SHOWN]);
  });

  it('when two small parts add up to exactly their count under a printed total, then one more cell is hidden', () => {
    // 1 + 1 + 5 = 7: with 5 and 7 printed, the two "<3" would add up to 2, so each is 1.
    const values = [1, 1, 5, 7];
    const lines = [{ parts: [0, 1, 2], total: 3 }];
    const marks = complementarySuppression(values, lines, 3);
    expect([...marks]).to.deep.equal([SMALL, SMALL, HIDDEN, SHOWN]);
    expect(workedOut(values, marks, 3, lines)).to.deep.equal([]);
  });

  it('when zeros and counts at or above the threshold stand alone, then nothing is hidden', () => {
    const { values, lines } = tableOf([
      [0, 3, 4],
      [5, 0, 0],
    ]);
    expect([...complementarySuppression(values, lines, 3)].every((m) => m === SHOWN)).to.equal(true);
  });

  it('when random tables with row, column and grand totals are suppressed, then every small count is hidden, shown cells are exact and no line gives a hidden cell away', () => {
    const random = seededRandom(20261204);
    for (let round = 0; round < 400; round++) {
      const threshold = random.int(2, 5);
      const rows = random.int(1, 7);
      const cols = random.int(1, 6);
      const sparse = random.next();
      const inner = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random.chance(sparse) ? 0 : random.chance(0.5) ? random.int(1, threshold - 1) : random.int(1, 12))));
      const { values, lines } = tableOf(inner);
      const marks = complementarySuppression(values, lines, threshold);
      const context = `round ${round}: threshold ${threshold}, ${JSON.stringify(inner)}`;
      values.forEach((v, i) => {
        if (v > 0 && v < threshold) expect(marks[i], `${context}: cell ${i} = ${v}`).to.not.equal(SHOWN);
        if (marks[i] === SMALL) expect(v > 0 && v < threshold, `${context}: "<${threshold}" printed for ${v}`).to.equal(true);
      });
      expect(workedOut(values, marks, threshold, lines), context).to.deep.equal([]);
    }
  });

  it('when a province-sized table is suppressed in turns, then the marks are the ones computed in one go and it gave way between steps', async () => {
    const random = seededRandom(20261205);
    // 3,000 people × 13 criteria with their totals: the commune sheets of a province's publication file.
    const inner = Array.from({ length: 3_000 }, () => Array.from({ length: 13 }, () => (random.chance(0.9) ? 0 : random.int(1, 4))));
    const { values, lines } = tableOf(inner);
    let turns = 0;
    const inTurns = await complementarySuppressionInTurns(values, lines, 3, async () => {
      turns++;
    });
    expect([...inTurns]).to.deep.equal([...complementarySuppression(values, lines, 3)]);
    expect(turns).to.be.greaterThan(1);
  });

  it('when a two-level table (communes in districts, districts in the province) is suppressed, then no line of either level gives a cell away', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const threshold = 3;
      // Cells: communes 0…k-1, then each district's total, then the province's.
      const districts = Array.from({ length: random.int(1, 4) }, () => Array.from({ length: random.int(1, 4) }, () => (random.chance(0.4) ? random.int(1, 2) : random.int(0, 9))));
      const values: number[] = districts.flat();
      const lines: Line[] = [];
      let at = 0;
      const districtCells: number[] = [];
      for (const d of districts) {
        const parts = d.map((_, i) => at + i);
        at += d.length;
        districtCells.push(values.length);
        lines.push({ parts, total: values.length });
        values.push(d.reduce((n, v) => n + v, 0));
      }
      lines.push({ parts: districtCells, total: values.length });
      values.push(districtCells.reduce((n, i) => n + values[i]!, 0));
      const marks = complementarySuppression(values, lines, threshold);
      expect(workedOut(values, marks, threshold, lines), `round ${round}: ${JSON.stringify(districts)}`).to.deep.equal([]);
    }
  });
});
