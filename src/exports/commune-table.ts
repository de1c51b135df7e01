import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { dataSheetOptions, headerHeight, wrappedLines } from './sheets.js';
import { col, commitSheet, firstPageColumns, fitColumns, STYLE, writeRow, type CellStyle, type Pacer } from './xlsx.js';

const NOTE: CellStyle = { ...STYLE.note, alignment: { wrapText: true, vertical: 'top' } };

/** Where a cell is written: its sheet row, and the letters-and-row reference of another column of that row. */
export interface CellAt {
  row: number;
  first: number;
  last: number;
  ref: (key: string) => string;
  column: (key: string) => number;
}

export interface TableColumn {
  key: string;
  label: string;
  width?: number;
  kind: 'count' | 'percent';
  /** The value of the commune in row i (a number, a formula with its result, or a suppressed "<3"/"x"). */
  cell: (i: number, at: CellAt) => unknown;
  /** The value of the province row. */
  total: (at: CellAt) => unknown;
}

export interface TableGroup {
  label: string;
  columns: TableColumn[];
}

export interface CommuneTable {
  sheetName: string;
  title: string;
  note: string;
  rowNames: readonly string[];
  totalLabel: string;
  groups: readonly TableGroup[];
}

/**
 * One sheet of the province workbook comparing communes: STT and commune, then groups of columns under a shared
 * header, one row per commune and the province row last. The layout (frozen header, repeated titles on each printed
 * page, widths fitted to A4 or A3) is the other data sheets'.
 */
export async function writeCommuneTable(wb: ExcelJS.stream.xlsx.WorkbookWriter, t: TFunction, table: CommuneTable, pacer: Pacer): Promise<void> {
  const columns = table.groups.flatMap((g) => g.columns);
  const widths = [5, 20, ...columns.map((c) => c.width ?? 8)];
  const width = widths.length;
  const fit = fitColumns(widths, 2);
  const ws = wb.addWorksheet(table.sheetName, dataSheetOptions(t, { headerRows: 5, frozenColumns: 2, titleRows: '4:5', titleColumns: 'A:B', fit }));
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  // The title over the first printed page only: a merge running on across pages prints cut in two.
  const firstPage = Math.min(width, firstPageColumns(widths, fit));
  writeRow(ws, [table.title], () => STYLE.title, 30, [[1, firstPage]]);
  // Wrapped within the table: a note running on past the last column would widen what is printed.
  const noteWidth = widths.slice(0, firstPage).reduce((a, b) => a + b, 0);
  writeRow(ws, [table.note], () => NOTE, 15 * wrappedLines(table.note, noteWidth, 1.05) + 2, [[1, firstPage]]);
  writeRow(ws, []);

  const groupRow: unknown[] = new Array(width).fill(null);
  const spans: (readonly [number, number])[] = [];
  let at = 3;
  for (const g of table.groups) {
    groupRow[at - 1] = g.label;
    if (g.columns.length > 1) spans.push([at, at + g.columns.length - 1]);
    at += g.columns.length;
  }
  const groupLabels = [null, null, ...table.groups.flatMap((g) => g.columns.map((_, i) => (i === 0 ? g.label : null)))];
  writeRow(ws, groupRow, () => STYLE.header, headerHeight(groupLabels, widths.map((w, i) => (groupLabels[i] ? spanWidth(table.groups, widths, i) : w))), spans);
  const header = [t('exports.workbook.col.no'), t('exports.workbook.col.commune'), ...columns.map((c) => c.label)];
  writeRow(ws, header, () => STYLE.header, headerHeight(header, widths));

  const first = 6;
  const last = first + table.rowNames.length - 1;
  const index = new Map(columns.map((c, i) => [c.key, i + 3]));
  const columnOf = (key: string) => index.get(key) ?? 0;
  const place = (row: number): CellAt => ({ row, first, last, ref: (key) => `${col(columnOf(key))}${row}`, column: columnOf });
  const style = (k: number, total: boolean): CellStyle => {
    if (k === 1) return STYLE.centered;
    if (k === 2) return total ? STYLE.bold : STYLE.text;
    const percent = columns[k - 3]!.kind === 'percent';
    return total ? (percent ? STYLE.totalPercent : STYLE.totalInteger) : percent ? STYLE.percent : STYLE.integer;
  };
  for (const [i, name] of table.rowNames.entries()) {
    const row = first + i;
    writeRow(ws, [i + 1, name, ...columns.map((c) => c.cell(i, place(row)))], (k) => style(k, false));
    await pacer.row();
  }
  const totalRow = last + 1;
  writeRow(ws, ['', table.totalLabel, ...columns.map((c) => c.total(place(totalRow)))], (k) => style(k, true));
  await commitSheet(wb, ws);
}

/** The width a group's label wraps in: the columns it spans. */
function spanWidth(groups: readonly TableGroup[], widths: readonly number[], at: number): number {
  let k = 2;
  for (const g of groups) {
    if (k === at) return widths.slice(k, k + g.columns.length).reduce((a, b) => a + b, 0);
    k += g.columns.length;
  }
  return widths[at] ?? 8;
}
