import { complementarySuppressionInTurns, markedText, tableLines, type Line } from '../shared/suppression.js';
import * as statistics from '../statistics/index.js';
import { addComparisonCounts, type ComparisonKey } from './published-comparison.js';
import type { IncidentCell } from './sheets.js';
import type { YearData } from './yearly-data.js';

/**
 * The report counts of the province workbook for publication, suppressed together: the summary's report and
 * per-criterion columns (each commune, then the province row that adds them up), and every commune sheet's incidents
 * table (person × criterion, each person's total, the totals row). The two meet: a commune sheet's totals row counts
 * the same substantiated reports as that commune's cells of the summary, so each pair is tied as equal — a count
 * hidden on one sheet and printed on the other would give it away.
 */
export interface PublishedCounts {
  /** Summary, row of the group (or null: the province row), column j (0 = reports received, 1 + k = criterion k). */
  summary(group: number | null, j: number, value: number): number | string;
  /** The incidents table of a group's sheet. */
  staffSheet(group: number): IncidentCell;
  /** A report count of the comparison sheets (see published-comparison). */
  comparison(key: ComparisonKey, group: number | null, j: number, value: number): number | string;
}

/** Gives way to waiting requests as it goes (`turn`): a province's tables are computed in ~100 ms. */
export async function publishedCounts(data: YearData, shown: readonly number[], lists: readonly Int32Array[], threshold: number, turn: () => Promise<void>): Promise<PublishedCounts> {
  const C = data.criteria.length;
  const J = C + 1;
  const values: number[] = [];
  const lines: Line[] = [];

  // The summary: one row per commune shown, then the province row.
  const summaryAt = new Map<number | null, number>();
  const summaryValues = (f: statistics.UnitYearFigures) => [statistics.totalsOf(f).reports, ...data.criteria.map((cr) => f.substantiatedByCriterion[cr.code] ?? 0)];
  for (const g of [...shown, null]) {
    summaryAt.set(g, values.length);
    values.push(...summaryValues(g === null ? statistics.sumFigures(shown.map((x) => data.figures[x]!)) : data.figures[g]!));
  }
  for (let j = 0; j < J; j++) lines.push({ parts: shown.map((g) => summaryAt.get(g)! + j), total: summaryAt.get(null)! + j });
  const comparisonAt = addComparisonCounts(data, shown, values, lines, (g) => summaryAt.get(g)!);

  // Each commune sheet: its people × criteria with row, column and grand totals, its column totals tied to the summary.
  const sheetAt = new Map<number, ReturnType<typeof tableLines>>();
  for (const g of shown) {
    const staff = lists[g]!;
    if (!staff.length || !C) continue;
    const table = tableLines(staff.length, C, values.length);
    sheetAt.set(g, table);
    const cells = new Array<number>(table.size).fill(0);
    const local = (i: number) => i - values.length;
    staff.forEach((person, n) => {
      for (let k = 0; k < C; k++) {
        const v = data.incidents[person * C + k]!;
        for (const i of [table.cell(n, k), table.rowTotal(n), table.colTotal(k), table.grand]) cells[local(i)] = cells[local(i)]! + v;
      }
    });
    values.push(...cells);
    lines.push(...table.lines);
    for (let k = 0; k < C; k++) lines.push({ parts: [table.colTotal(k)], total: summaryAt.get(g)! + 1 + k });
    await turn();
  }

  const marks = await complementarySuppressionInTurns(values, lines, threshold, turn);
  const print = (i: number, value: number) => markedText(value, marks[i]!, threshold);
  return {
    summary: (group, j, value) => print(summaryAt.get(group)! + j, value),
    comparison: (key, group, j, value) => print(comparisonAt(key, group, j), value),
    staffSheet: (group) => {
      const table = sheetAt.get(group);
      if (!table) return (_n, _k, value) => value;
      const rows = lists[group]!.length;
      return (n, k, value) => print(n === rows ? (k === C ? table.grand : table.colTotal(k)) : k === C ? table.rowTotal(n) : table.cell(n, k), value);
    },
  };
}
