import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * Shared pieces of the streaming workbooks. Styles are frozen module-level objects: ExcelJS caches
 * styles by object identity, so one object per format keeps the writer fast (see docs/performance.md).
 */

const border = Object.freeze({ style: 'thin' as const });
const borders = Object.freeze({ top: border, left: border, bottom: border, right: border });
const times = (size: number, extra: Partial<ExcelJS.Font> = {}) => Object.freeze({ name: 'Times New Roman', size, ...extra });
const align = (a: Partial<ExcelJS.Alignment>) => Object.freeze({ vertical: 'middle' as const, ...a });
const body = times(11);
const bodyBold = times(11, { bold: true });

/**
 * Every written cell carries one of these, so the whole workbook prints in Times New Roman (a cell without a style
 * falls back to the writer's default, Calibri 11). Table cells have thin borders all round; counts are right-aligned
 * numbers, and a suppressed "<3" in a count column is right-aligned with them.
 */
export const STYLE = Object.freeze({
  authority: Object.freeze({ font: times(12), alignment: Object.freeze({ horizontal: 'center' as const }) }),
  issuer: Object.freeze({ font: times(12, { bold: true }), alignment: Object.freeze({ horizontal: 'center' as const }) }),
  republic: Object.freeze({ font: times(12, { bold: true }), alignment: Object.freeze({ horizontal: 'center' as const }) }),
  motto: Object.freeze({ font: times(13, { bold: true, underline: true }), alignment: Object.freeze({ horizontal: 'center' as const }) }),
  dateLine: Object.freeze({ font: times(13, { italic: true }), alignment: Object.freeze({ horizontal: 'center' as const }) }),
  title: Object.freeze({ font: times(14, { bold: true }), alignment: Object.freeze({ horizontal: 'center' as const, vertical: 'middle' as const, wrapText: true }) }),
  /** A line of explanation above or below a table: no border. */
  note: Object.freeze({ font: times(11, { italic: true }) }),
  header: Object.freeze({
    font: bodyBold,
    alignment: align({ horizontal: 'center', wrapText: true }),
    fill: Object.freeze({ type: 'pattern' as const, pattern: 'solid' as const, fgColor: Object.freeze({ argb: 'FFE7E6E6' }) }),
    border: borders,
  }),
  /** Table text: names, labels, statuses. */
  text: Object.freeze({ font: body, alignment: align({ horizontal: 'left' }), border: borders }),
  /** Table text that may be long (criterion names, remedies): wraps within its column. */
  textWrap: Object.freeze({ font: body, alignment: align({ horizontal: 'left', wrapText: true }), border: borders }),
  /** Row numbers, codes, months. */
  centered: Object.freeze({ font: body, alignment: align({ horizontal: 'center' }), border: borders }),
  bold: Object.freeze({ font: bodyBold, alignment: align({ horizontal: 'left' }), border: borders }),
  integer: Object.freeze({ font: body, numFmt: '#,##0', alignment: align({ horizontal: 'right' }), border: borders }),
  totalInteger: Object.freeze({ font: bodyBold, numFmt: '#,##0', alignment: align({ horizontal: 'right' }), border: borders }),
  /** A score 0–2 under a criterion code. */
  score: Object.freeze({ font: body, numFmt: '0', alignment: align({ horizontal: 'center' }), border: borders }),
  percent: Object.freeze({ font: body, numFmt: '0.0%', alignment: align({ horizontal: 'right' }), border: borders }),
  totalPercent: Object.freeze({ font: bodyBold, numFmt: '0.0%', alignment: align({ horizontal: 'right' }), border: borders }),
  date: Object.freeze({ font: body, numFmt: 'dd/mm/yyyy', alignment: align({ horizontal: 'center' }), border: borders }),
});

export type CellStyle = Partial<ExcelJS.Style>;

/** Footer of every printed page: "Trang 2 / 5", in Times New Roman. */
export function pageFooter(label: string): Partial<ExcelJS.HeaderFooter> {
  return { oddFooter: `&C&"Times New Roman,Regular"&11${label}` };
}

export type Paper = 'A4' | 'A3';
const PAPER_SIZE: Record<Paper, number> = { A4: 9, A3: 8 };
/** Printable width in points, landscape, inside the margins of pageSetup (left 0.6 in, right 0.4 in). */
const PRINTABLE_PT: Record<Paper, number> = { A4: (297 / 25.4 - 1) * 72, A3: (420 / 25.4 - 1) * 72 };
/** Below this, 11 pt text prints smaller than about 8 pt. */
export const MIN_SCALE = 0.75;

/** A column's printed width in points at 100 %: Excel's width unit is a 7-pixel digit plus 5 pixels of padding, at 96 dpi. */
export function columnPoints(width: number): number {
  return (Math.trunc(width * 7) + 5) * 0.75;
}

export interface PrintFit {
  paper: Paper;
  /** Pages across; the repeated columns print on each. */
  pagesWide: number;
  scale: number;
}

/**
 * The smallest paper and fewest pages across at which the columns print at MIN_SCALE or larger: A4 landscape when it
 * holds them, else A3 landscape, else A3 several pages wide with the first `repeated` columns printed on every page.
 */
export function fitColumns(widths: readonly number[], repeated: number): PrintFit {
  const points = widths.map(columnPoints);
  const total = points.reduce((a, b) => a + b, 0);
  const lead = points.slice(0, repeated).reduce((a, b) => a + b, 0);
  const scaleAt = (paper: Paper, n: number) => Math.min(1, PRINTABLE_PT[paper] / (n === 1 ? total : lead + (total - lead) / n));
  if (scaleAt('A4', 1) >= MIN_SCALE) return { paper: 'A4', pagesWide: 1, scale: scaleAt('A4', 1) };
  for (let n = 1; ; n++) if (scaleAt('A3', n) >= MIN_SCALE || n >= 50) return { paper: 'A3', pagesWide: n, scale: scaleAt('A3', n) };
}

/** How many of the columns print on the first page across at the fit's scale (at least one). */
export function firstPageColumns(widths: readonly number[], fit: PrintFit): number {
  const room = PRINTABLE_PT[fit.paper] / fit.scale;
  let used = 0;
  let n = 0;
  while (n < widths.length && used + columnPoints(widths[n]!) <= room) used += columnPoints(widths[n++]!);
  return Math.max(1, n);
}

export interface PrintOptions {
  /** Rows printed at the top of every page, e.g. "3:4"; none for a summary under the national heading. */
  titleRows?: string;
  /** Columns printed at the left of every page when the sheet is several pages wide, e.g. "A:B". */
  titleColumns?: string;
  fit?: PrintFit;
}

/** Landscape, as wide as `fit` says (A4 one page wide by default), header rows repeated on every printed page. */
export function pageSetup(opts: PrintOptions): Partial<ExcelJS.PageSetup> {
  const fit = opts.fit ?? { paper: 'A4', pagesWide: 1, scale: 1 };
  return {
    paperSize: PAPER_SIZE[fit.paper] as ExcelJS.PaperSize,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: fit.pagesWide,
    fitToHeight: 0,
    ...(opts.titleRows ? { printTitlesRow: opts.titleRows } : {}),
    ...(opts.titleColumns && fit.pagesWide > 1 ? { printTitlesColumn: opts.titleColumns } : {}),
    horizontalCentered: fit.pagesWide === 1,
    margins: { left: 0.6, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
}

export function createWriter(stream: Writable): ExcelJS.stream.xlsx.WorkbookWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  wb.creator = 'Công Bộc';
  wb.created = new Date();
  // Font 0 is the workbook's Normal style: column widths are measured in its digits and a cell without a style prints
  // in it. ExcelJS makes it Calibri unless a font is registered first — and where Calibri is missing, LibreOffice
  // measures widths with a wider stand-in and shrinks every printed page.
  const styles = (wb as unknown as { styles: { model?: { fonts?: unknown[] }; _addFont?: (font: Partial<ExcelJS.Font>) => number } }).styles;
  if (styles.model?.fonts?.length === 0 && styles._addFont) styles._addFont({ size: 11, name: 'Times New Roman', family: 1 });
  return wb;
}

/**
 * Lets the writer flush and other requests run: once the export has held the event loop for `TURN_MS` since it last
 * gave way, wait for the destination to drain when it asks to, otherwise for one turn of the event loop (setImmediate,
 * not a microtask). Time, not a count of rows or cells, decides: a row of a 177-column staff sheet costs a hundred
 * times one of the summary, and work between rows (a sheet's totals, the suppression of a province's counts) counts too.
 */
const TURN_MS = 10;

export class Pacer {
  private rows = 0;
  private since = performance.now();
  constructor(
    private readonly stream: Writable,
    private readonly onRows: (rows: number) => void = () => {},
  ) {}
  /** After each row written. */
  async row(): Promise<void> {
    this.rows++;
    await this.turn();
  }
  /** Inside any long computation of the export. */
  async turn(): Promise<void> {
    if (performance.now() - this.since < TURN_MS) return;
    this.onRows(this.rows);
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
    else await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}

/** Excel column letters of a 1-based index: 1 → A, 27 → AA. */
export function col(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** A ratio formula that stays empty when the denominator is 0, with its computed result. */
export function ratio(numeratorCell: string, denominatorCell: string, numerator: number, denominator: number): ExcelJS.CellFormulaValue | string {
  return { formula: `IF(${denominatorCell}>0,${numeratorCell}/${denominatorCell},"")`, result: denominator > 0 ? numerator / denominator : '' } as ExcelJS.CellFormulaValue;
}

/**
 * The total of a column's rows first…last: a SUM formula with its result, or a plain 0 when there are no rows
 * (last < first). A range clamped to one row instead would be the total's own cell, a circular reference.
 */
export function columnSum(column: number, first: number, last: number, result: number): ExcelJS.CellFormulaValue | number {
  return last < first ? 0 : sum(`${col(column)}${first}:${col(column)}${last}`, result);
}

/** The total of a row's columns first…last, the same way: a plain 0 when there are no columns. */
export function rowSum(row: number, first: number, last: number, result: number): ExcelJS.CellFormulaValue | number {
  return last < first ? 0 : sum(`${col(first)}${row}:${col(last)}${row}`, result);
}

function sum(range: string, result: number): ExcelJS.CellFormulaValue {
  return { formula: `SUM(${range})`, result } as ExcelJS.CellFormulaValue;
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique regardless of case. */
export function sheetNamer(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    const base = name.replace(/[:\\/?*[\]]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 31) || 'Sheet';
    let candidate = base;
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
    used.add(candidate.toLowerCase());
    return candidate;
  };
}

/** ASCII file-name part: diacritics dropped, đ → d, words joined by '-'. "Xã Thanh Nưa" → "Xa-Thanh-Nua". */
export function asciiName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The file's name says whom it is for: "…_cong-bo" (for publication) or "…_noi-bo" (internal, exact). */
export function workbookFileName(unitName: string, year: number, audience: 'PUBLICATION' | 'INTERNAL'): string {
  return `Tuan-thu-quy-tac-ung-xu_${asciiName(unitName) || 'don-vi'}_${year}_${audience === 'INTERNAL' ? 'noi-bo' : 'cong-bo'}.xlsx`;
}

/**
 * Writes one row: values, then the given cells' styles (1-based column → style), then merges the given column spans
 * of the row (before it is committed: a streamed row cannot be touched after), then commits it.
 */
export function writeRow(
  ws: ExcelJS.Worksheet,
  values: unknown[],
  styles?: ReadonlyMap<number, CellStyle> | ((colNumber: number) => CellStyle | undefined),
  height?: number,
  merges: readonly (readonly [number, number])[] = [],
): void {
  const row = ws.addRow(values);
  if (height) row.height = height;
  if (styles) {
    const n = values.length;
    for (let c = 1; c <= n; c++) {
      const s = typeof styles === 'function' ? styles(c) : styles.get(c);
      if (s) row.getCell(c).style = s as ExcelJS.Style;
    }
  }
  for (const [from, to] of merges) ws.mergeCells(row.number, from, row.number, to);
  row.commit();
}

/**
 * Commits a worksheet and waits until the zip has taken it in. ExcelJS hands each sheet to the zip
 * (archiver) as its own stream, and archiver reads them one at a time: a sheet written while the one
 * before is still being compressed is buffered whole in memory, so a province of a thousand commune
 * sheets would pile up. ('zip' is the writer's archiver instance; its 'entry' event marks a sheet done.)
 */
export async function commitSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, ws: ExcelJS.Worksheet): Promise<void> {
  const zip = (wb as unknown as { zip: NodeJS.EventEmitter }).zip;
  const name = `worksheets/sheet${ws.id}.xml`;
  const zipped = new Promise<void>((resolve) => {
    const onEntry = (entry: { name?: string }) => {
      if (!entry?.name?.endsWith(name)) return;
      zip.off('entry', onEntry);
      resolve();
    };
    zip.on('entry', onEntry);
  });
  ws.commit();
  await zipped;
}
