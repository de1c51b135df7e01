import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { RATING_LEVELS } from '../satisfaction/index.js';
import * as statistics from '../statistics/index.js';
import { complementarySuppression, markedText, tableLines, type Line } from '../shared/suppression.js';
import { unitsSnapshot } from '../units/index.js';
import { dataSheetOptions, headerHeight } from './sheets.js';
import { columnSum, commitSheet, fitColumns, rowSum, STYLE, writeRow, type CellStyle, type Pacer } from './xlsx.js';
import type { YearData } from './yearly-data.js';

/**
 * What citizens told each one-stop desk at the kiosk in the year (inputs of SIPAS and the PAR index): answers per
 * level of the scale, the criteria ticked as "went wrong", and how many wrote a comment — one row per desk, from the
 * statistics read model. In a file for publication the ticks and comments are suppressed together with their totals
 * (the ticks as a table with row, column and grand totals; the comments with their column total).
 */
export async function writeDeskFeedbackSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, data: YearData, groups: readonly number[], t: TFunction, suppressBelow: number | null, totalLabel: string, pacer: Pacer): Promise<void> {
  const tree = await unitsSnapshot();
  const rows = groups.flatMap((g) =>
    Object.entries(data.figures[g]!.ratingsByDesk ?? {}).map(([deskId, byMonth]) => ({ commune: data.groups[g]!.name, desk: tree.byId(deskId)?.name ?? '', counts: statistics.sumDeskMonths(Object.values(byMonth)) })),
  ).filter((r) => r.counts.total > 0);
  rows.sort((a, b) => a.commune.localeCompare(b.commune, 'vi') || a.desk.localeCompare(b.desk, 'vi'));
  const C = data.criteria.length;
  const L = RATING_LEVELS.length;

  // Columns: STT, commune, desk, ratings, one per level, one per criterion ticked, ticks total, comments.
  const levelStart = 5;
  const tickStart = levelStart + L;
  const ticksTotalCol = tickStart + C;
  const commentsCol = ticksTotalCol + 1;
  const widths = [5, 18, 22, 9, ...RATING_LEVELS.map(() => 9), ...data.criteria.map(() => 4.5), 9, 9];
  const ws = wb.addWorksheet(t('exports.workbook.sheets.deskFeedback'), dataSheetOptions(t, { headerRows: 5, frozenColumns: 3, titleRows: '4:5', titleColumns: 'A:C', fit: fitColumns(widths, 3) }));
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  writeRow(ws, [t('exports.workbook.deskFeedbackTitle', { year: data.year })], () => STYLE.title, 30, [[1, commentsCol]]);
  writeRow(ws, [suppressBelow === null ? t('exports.workbook.deskFeedbackInternal') : t('exports.workbook.deskFeedbackPublication', { n: suppressBelow })], () => STYLE.note);
  writeRow(ws, []);
  const groupRow: unknown[] = new Array(commentsCol).fill(null);
  groupRow[levelStart - 1] = t('exports.workbook.col.answersGroup');
  groupRow[tickStart - 1] = t('exports.workbook.col.ticksGroup');
  writeRow(ws, groupRow, () => STYLE.header, 30, [[levelStart, tickStart - 1], ...(C > 0 ? [[tickStart, ticksTotalCol] as const] : [])]);
  const header = [
    t('exports.workbook.col.no'),
    t('exports.workbook.col.commune'),
    t('exports.workbook.col.desk'),
    t('exports.workbook.col.satisfactionRatings'),
    ...RATING_LEVELS.map((l) => t(`satisfaction.levels.${l}`)),
    ...data.criteria.map((cr) => cr.code),
    t('exports.workbook.col.ticksTotal'),
    t('exports.workbook.col.comments'),
  ];
  writeRow(ws, header, () => STYLE.header, headerHeight(header, widths));

  const ticks = rows.map((r) => data.criteria.map((cr) => r.counts.ticks[cr.code] ?? 0));
  const shown = suppressBelow === null ? null : suppressedTicks(ticks, rows.map((r) => r.counts.comments), suppressBelow);
  const first = 6;
  const last = first + rows.length - 1;
  const style = (k: number): CellStyle => (k === 1 ? STYLE.centered : k <= 3 ? STYLE.text : STYLE.integer);
  for (const [i, r] of rows.entries()) {
    const at = first + i;
    const tickTotal = ticks[i]!.reduce((a, b) => a + b, 0);
    writeRow(ws, [
      i + 1,
      r.commune,
      r.desk,
      r.counts.total,
      ...RATING_LEVELS.map((l) => r.counts.levels[l] ?? 0),
      ...ticks[i]!.map((n, k) => (shown ? shown.cell(i, k) : n)),
      shown ? shown.rowTotal(i) : rowSum(at, tickStart, ticksTotalCol - 1, tickTotal),
      shown ? shown.comments(i) : r.counts.comments,
    ], style);
    await pacer.row();
  }
  const total = (k: number, n: number) => columnSum(k, first, last, n);
  const sumOf = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const colTicks = data.criteria.map((_, k) => ticks.reduce((n, row) => n + row[k]!, 0));
  writeRow(ws, [
    '',
    totalLabel,
    '',
    total(4, sumOf((r) => r.counts.total)),
    ...RATING_LEVELS.map((l, j) => total(levelStart + j, sumOf((r) => r.counts.levels[l] ?? 0))),
    ...colTicks.map((n, k) => (shown ? shown.colTotal(k) : total(tickStart + k, n))),
    shown ? shown.grand() : total(ticksTotalCol, colTicks.reduce((a, b) => a + b, 0)),
    shown ? shown.commentsTotal() : total(commentsCol, sumOf((r) => r.counts.comments)),
  ], (k) => (k <= 3 ? STYLE.bold : STYLE.totalInteger));
  await commitSheet(wb, ws);
}

/** The ticks (desks × criteria with totals) and the comments (a column with its total), suppressed together. */
function suppressedTicks(ticks: readonly number[][], comments: readonly number[], threshold: number) {
  const rows = ticks.length;
  const cols = ticks[0]?.length ?? 0;
  const table = tableLines(rows, cols);
  const values = new Array<number>(table.size + rows + 1).fill(0);
  ticks.forEach((row, r) => row.forEach((n, c) => (values[table.cell(r, c)] = n)));
  for (let r = 0; r < rows; r++) values[table.rowTotal(r)] = ticks[r]!.reduce((a, b) => a + b, 0);
  for (let c = 0; c < cols; c++) values[table.colTotal(c)] = ticks.reduce((n, row) => n + row[c]!, 0);
  values[table.grand] = ticks.flat().reduce((a, b) => a + b, 0);
  const commentAt = (r: number) => table.size + r;
  const commentsTotalAt = table.size + rows;
  comments.forEach((n, r) => (values[commentAt(r)] = n));
  values[commentsTotalAt] = comments.reduce((a, b) => a + b, 0);
  const lines: Line[] = [...(cols > 0 ? table.lines : []), { parts: comments.map((_, r) => commentAt(r)), total: commentsTotalAt }];
  const marks = complementarySuppression(values, lines, threshold);
  const text = (i: number) => markedText(values[i]!, marks[i]!, threshold);
  return {
    cell: (r: number, c: number) => text(table.cell(r, c)),
    rowTotal: (r: number) => (cols > 0 ? text(table.rowTotal(r)) : 0),
    colTotal: (c: number) => text(table.colTotal(c)),
    grand: () => (cols > 0 ? text(table.grand) : 0),
    comments: (r: number) => text(commentAt(r)),
    commentsTotal: () => text(commentsTotalAt),
  };
}
