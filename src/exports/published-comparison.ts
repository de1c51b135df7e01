import { tableLines, type Line } from '../shared/suppression.js';
import { communeFigures, REMEDIES, sumOf } from './commune-figures.js';
import type { YearData } from './yearly-data.js';

/** The report counts of the comparison sheets: per quarter (j 0–3, 4 = the year), per remedy kind (j), or one column. */
export type ComparisonKey = 'received' | 'substantiated' | 'remedy' | 'decisions' | 'previousReceived' | 'previousSubstantiated';

/** Where each comparison count sits among the values suppressed together: group null is the province row. */
export type ComparisonIndex = (key: ComparisonKey, group: number | null, j: number) => number;

/**
 * Adds the comparison sheets' counts to the values and lines suppressed with the summary's: reports received and
 * substantiated per commune and quarter (tables with the year and the province row as totals; a commune's year of
 * reports received is the summary's "Phản ánh tiếp nhận" of it, and tied to it), then single columns with the
 * province total: each remedy, discipline decisions, and last year's reports.
 */
export function addComparisonCounts(data: YearData, shown: readonly number[], values: number[], lines: Line[], summaryReports: (group: number | null) => number): ComparisonIndex {
  const now = shown.map((g) => communeFigures(data.figures[g]!));
  const before = shown.map((g) => communeFigures(data.previousFigures[g]!));
  const rowOf = new Map(shown.map((g, i) => [g, i]));

  const quarterTable = (rows: number[][]) => {
    const table = tableLines(rows.length, 4, values.length);
    const cells = new Array<number>(table.size).fill(0);
    const base = values.length;
    const put = (i: number, n: number) => (cells[i - base] = cells[i - base]! + n);
    rows.forEach((row, r) => row.forEach((n, q) => [table.cell(r, q), table.rowTotal(r), table.colTotal(q), table.grand].forEach((i) => put(i, n))));
    values.push(...cells);
    lines.push(...table.lines);
    return table;
  };
  const column = (counts: number[]) => {
    const at = values.length;
    values.push(...counts, sumOf(counts));
    lines.push({ parts: counts.map((_, r) => at + r), total: at + counts.length });
    return at;
  };

  const received = quarterTable(now.map((f) => f.received));
  shown.forEach((g, r) => lines.push({ parts: [received.rowTotal(r)], total: summaryReports(g) }));
  lines.push({ parts: [received.grand], total: summaryReports(null) });
  const substantiated = quarterTable(now.map((f) => f.substantiated));
  const remedies = REMEDIES.map((_, k) => column(now.map((f) => f.remedies[k]!)));
  const decisions = column(shown.map((g) => data.disciplineDecisions[g]!));
  const previousReceived = column(before.map((f) => sumOf(f.received)));
  const previousSubstantiated = column(before.map((f) => sumOf(f.substantiated)));

  return (key, group, j) => {
    const r = group === null ? null : rowOf.get(group)!;
    const inColumn = (at: number) => at + (r ?? shown.length);
    switch (key) {
      case 'received':
      case 'substantiated': {
        const table = key === 'received' ? received : substantiated;
        if (r === null) return j === 4 ? table.grand : table.colTotal(j);
        return j === 4 ? table.rowTotal(r) : table.cell(r, j);
      }
      case 'remedy':
        return inColumn(remedies[j]!);
      case 'decisions':
        return inColumn(decisions);
      case 'previousReceived':
        return inColumn(previousReceived);
      case 'previousSubstantiated':
        return inColumn(previousSubstantiated);
    }
  };
}
