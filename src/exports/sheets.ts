import { vietnamDay } from '../shared/dates.js';
import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { CLASSIFICATION_LEVELS } from '../evaluations/index.js';
import { columnSum, firstPageColumns, fitColumns, Pacer, pageFooter, pageSetup, rowSum, STYLE, writeRow, type CellStyle, type PrintFit } from './xlsx.js';
import { verdictOf, type PeriodInfo, type YearData } from './yearly-data.js';

/**
 * An incident count of a staff sheet as printed, when it is published: row n of the sheet's people (n = their number:
 * the totals row), criterion k (k = the number of criteria: the person's total). The count, "<3" or "x".
 */
export type IncidentCell = (n: number, k: number, value: number) => number | string;

const UNIT_PREFIX = /^(tỉnh|thành phố|huyện|thị xã|xã|phường|thị trấn)\s+/i;

/** "Xã Thanh Nưa" → "Thanh Nưa": the place name of the date line. */
export function placeName(unitName: string): string {
  return unitName.replace(UNIT_PREFIX, '');
}

/** Decree 30/2020 date line: days under 10 and months 1–2 with a leading zero. */
export function dateParts(d: Date): { day: string; month: string; year: string } {
  const day = vietnamDay(d);
  const month = day.getUTCMonth() + 1;
  return { day: String(day.getUTCDate()).padStart(2, '0'), month: month <= 2 ? `0${month}` : String(month), year: String(day.getUTCFullYear()) };
}

export interface Heading {
  authority: string;
  issuer: string;
  place: string;
  date: Date;
  title: string;
  /** Columns the title spans; the left block takes the first third, the national heading the rest. */
  width: number;
}

/** The national administrative heading (rows 1–3), then the title (row 5); the next row written is row 6. */
export function writeHeading(ws: ExcelJS.Worksheet, t: TFunction, h: Heading): void {
  const width = Math.max(h.width, 6);
  const leftEnd = Math.max(2, Math.round(width * 0.4));
  const rightStart = leftEnd + 1;
  const set = (r: number, c: number, value: string, style: Partial<ExcelJS.Style>) => {
    const cell = ws.getCell(r, c);
    cell.value = value;
    cell.style = style as ExcelJS.Style;
  };
  set(1, 1, h.authority.toLocaleUpperCase('vi'), STYLE.authority);
  set(2, 1, h.issuer.toLocaleUpperCase('vi'), STYLE.issuer);
  set(1, rightStart, t('exports.workbook.republic'), STYLE.republic);
  set(2, rightStart, t('exports.workbook.motto'), STYLE.motto);
  set(3, rightStart, t('exports.workbook.dateLine', { place: h.place, ...dateParts(h.date) }), STYLE.dateLine);
  set(5, 1, h.title, STYLE.title);
  for (const r of [1, 2]) ws.mergeCells(r, 1, r, leftEnd);
  for (const r of [1, 2, 3]) ws.mergeCells(r, rightStart, r, width);
  ws.mergeCells(5, 1, 5, width);
  ws.getRow(5).height = 36;
  ws.getRow(5).commit();
}

export function periodLabel(t: TFunction, p: PeriodInfo): string {
  return t(`exports.workbook.period.${p.kind}`, { n: p.number });
}

export interface StaffSheetOptions {
  t: TFunction;
  title: string;
  /** Incident counts per staff: exact, with formulas, when null (an internal file); as marked when published. */
  incidents: IncidentCell | null;
  pacer: Pacer;
  showUnit: boolean;
}

/**
 * One row per person (Vietnamese order): scores per period and criterion, substantiated incidents per
 * criterion, breaches, the yearly classification and the verdict. Header rows 3–4 are frozen and printed
 * on every page; a filter sits on row 4; a totals row closes the sheet. The caller commits it.
 */
/** The staff sheet's columns, from the number of periods and criteria. */
function staffColumns(data: YearData, showUnit: boolean) {
  const C = data.criteria.length;
  const P = data.periods.length;
  const lead = showUnit ? 4 : 3;
  const scoreStart = lead + 1;
  const incStart = scoreStart + P * C;
  const incTotal = incStart + C;
  const breachCol = incTotal + 1;
  const classCol = breachCol + 1;
  const verdictCol = classCol + 1;
  const widths = [5, 24, 28, ...(showUnit ? [28] : []), ...new Array<number>(P * C + C).fill(STAFF_NARROW), 11, 12, 24, 14];
  return { C, P, lead, scoreStart, incStart, incTotal, breachCol, classCol, verdictCol, width: verdictCol, widths };
}
/** Score and incident columns keep the sheet's default width: one Column object per column would stay in memory. */
const STAFF_NARROW = 4.5;

/** A staff sheet's worksheet options: frozen on the name, A4 or A3, as many pages across as keep its text legible. */
export function staffSheetOptions(t: TFunction, data: YearData, showUnit: boolean): Partial<ExcelJS.AddWorksheetOptions> {
  const { widths } = staffColumns(data, showUnit);
  return dataSheetOptions(t, { headerRows: 4, frozenColumns: 2, titleRows: '3:4', titleColumns: 'A:B', fit: fitColumns(widths, 2), defaultColWidth: STAFF_NARROW });
}

export async function writeStaffSheet(ws: ExcelJS.Worksheet, data: YearData, staff: Int32Array, opts: StaffSheetOptions): Promise<void> {
  const { t } = opts;
  const { C, P, scoreStart, incStart, incTotal, breachCol, classCol, verdictCol, width, widths } = staffColumns(data, opts.showUnit);
  const shown = opts.incidents;

  widths.forEach((w, i) => {
    if (w !== STAFF_NARROW) ws.getColumn(i + 1).width = w;
  });

  const title = ws.getCell(1, 1);
  title.value = opts.title;
  title.style = STYLE.title as ExcelJS.Style;
  // The title over the first printed page only: a merge running on across pages prints cut in two.
  ws.mergeCells(1, 1, 1, Math.min(width, firstPageColumns(widths, fitColumns(widths, 2))));
  ws.getRow(1).height = 30;
  ws.getCell(2, 1).value = t('exports.workbook.legend');
  ws.getCell(2, 1).style = STYLE.note as ExcelJS.Style;

  // Row 3 groups the columns (period / incidents); row 4 names each one.
  const groupRow: unknown[] = [];
  const headRow: unknown[] = [t('exports.workbook.col.no'), t('exports.workbook.col.name'), t('exports.workbook.col.position')];
  if (opts.showUnit) headRow.push(t('exports.workbook.col.unit'));
  data.periods.forEach((p, i) => {
    groupRow[scoreStart - 1 + i * C] = periodLabel(t, p);
    for (const cr of data.criteria) headRow.push(cr.code);
  });
  groupRow[incStart - 1] = t('exports.workbook.col.incidentsGroup');
  for (const cr of data.criteria) headRow.push(cr.code);
  headRow.push(t('exports.workbook.col.incidentsTotal'), t('exports.workbook.col.breaches'), t('exports.workbook.col.classification'), t('exports.workbook.col.verdict'));
  for (let c = 1; c <= width; c++) {
    const g = ws.getCell(3, c);
    g.value = (groupRow[c - 1] as string | undefined) ?? null;
    g.style = STYLE.header as ExcelJS.Style;
    const h = ws.getCell(4, c);
    h.value = headRow[c - 1] as string;
    h.style = STYLE.header as ExcelJS.Style;
  }
  // Every column is named on row 4 (where the filter sits); row 3 spans each period and the incidents.
  if (C > 1) {
    for (let i = 0; i < P; i++) ws.mergeCells(3, scoreStart + i * C, 3, scoreStart + (i + 1) * C - 1);
    ws.mergeCells(3, incStart, 3, incStart + C - 1);
  }
  ws.getRow(3).height = 20;
  ws.getRow(4).height = headerHeight(headRow as string[], widths);
  ws.getRow(4).commit();

  const stride = data.scoreStride;
  const classLabels = CLASSIFICATION_LEVELS.map((l) => t(`exports.workbook.classification.${l}`));
  const verdictLabels = new Map(['GOOD', 'COMPLIANT', 'BREACHED', 'NOT_EVALUATED'].map((v) => [v, t(`exports.workbook.verdict.${v}`)]));
  const rowStyle = (c: number): CellStyle => (c === 1 ? STYLE.centered : c === 2 ? STYLE.text : c < scoreStart ? STYLE.textWrap : c < incStart ? STYLE.score : c <= breachCol ? STYLE.integer : STYLE.text);
  const wrapping = opts.showUnit ? [3, 4] : [3];
  const firstRow = 5;
  let r = firstRow;
  const values: unknown[] = new Array(width);
  for (let n = 0; n < staff.length; n++, r++) {
    const i = staff[n]!;
    values[0] = n + 1;
    values[1] = data.names[i];
    values[2] = data.positions[i];
    if (opts.showUnit) values[3] = data.unitNames[i];
    const base = i * stride;
    for (let k = 0; k < stride; k++) {
      const v = data.scores[base + k]!;
      values[scoreStart - 1 + k] = v === 0 ? null : v - 1;
    }
    let incidents = 0;
    for (let k = 0; k < C; k++) {
      const v = data.incidents[i * C + k]!;
      incidents += v;
      values[incStart - 1 + k] = shown ? shown(n, k, v) : v;
    }
    values[incTotal - 1] = shown ? shown(n, C, incidents) : rowSum(r, incStart, incStart + C - 1, incidents);
    values[breachCol - 1] = data.breaches[i];
    const level = data.classification[i]!;
    values[classCol - 1] = level ? classLabels[level - 1] : null;
    values[verdictCol - 1] = verdictLabels.get(verdictOf(data, i));
    writeRow(ws, values, rowStyle, wrappedRowHeight(values, widths, wrapping));
    await opts.pacer.row();
  }

  const last = r - 1;
  const totals: unknown[] = new Array(width).fill(null);
  totals[1] = t('exports.workbook.total');
  let all = 0;
  let breaches = 0;
  for (let k = 0; k < C; k++) {
    let n = 0;
    for (const i of staff) n += data.incidents[i * C + k]!;
    all += n;
    totals[incStart - 1 + k] = shown ? shown(staff.length, k, n) : columnSum(incStart + k, firstRow, last, n);
  }
  for (const i of staff) breaches += data.breaches[i]!;
  totals[incTotal - 1] = shown ? shown(staff.length, C, all) : columnSum(incTotal, firstRow, last, all);
  totals[breachCol - 1] = columnSum(breachCol, firstRow, last, breaches);
  writeRow(ws, totals, (c) => (c >= incStart && c <= breachCol ? STYLE.totalInteger : c === 2 ? STYLE.bold : STYLE.text));
  ws.autoFilter = { from: { row: 4, column: 1 }, to: { row: Math.max(last, 4), column: width } };
}

export interface DataSheetLayout {
  headerRows: number;
  frozenColumns: number;
  titleRows: string;
  titleColumns?: string;
  fit?: PrintFit;
  defaultColWidth?: number;
}

/** Worksheet options shared by the data sheets: frozen header, landscape with repeated titles, page numbers. */
export function dataSheetOptions(t: TFunction, l: DataSheetLayout): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    views: [{ state: 'frozen', xSplit: l.frozenColumns, ySplit: l.headerRows, showGridLines: true }],
    pageSetup: pageSetup({ titleRows: l.titleRows, titleColumns: l.titleColumns, fit: l.fit }),
    headerFooter: pageFooter(t('exports.workbook.pageFooter')),
    ...(l.defaultColWidth ? { properties: { defaultColWidth: l.defaultColWidth } as ExcelJS.WorksheetProperties } : {}),
  };
}

/** Lines a text takes wrapped within a column of the given width: words kept whole, about `charWidth` units a character. */
export function wrappedLines(text: string, width: number, charWidth = 1): number {
  const room = Math.max(1, width - 1);
  let n = 1;
  let used = 0;
  for (const word of text.split(/\s+/)) {
    const len = word.length * charWidth;
    if (used > 0 && used + 1 + len > room) {
      n++;
      used = len;
    } else used += (used > 0 ? 1 : 0) + len;
    n += Math.floor(Math.max(0, len - 0.01) / room);
  }
  return n;
}

/** A header row's height in points: enough lines for its longest label to wrap within its column (bold), at most five. */
export function headerHeight(labels: readonly (string | null | undefined)[], widths: readonly number[]): number {
  let lines = 1;
  labels.forEach((label, i) => {
    if (label) lines = Math.max(lines, wrappedLines(label, widths[i] ?? 8.43, 1.1));
  });
  return Math.min(5, lines) * 15 + 4;
}

/**
 * A data row's height when one of its wrapping cells (1-based columns) needs more than one line; undefined otherwise,
 * so the row keeps the default. Set explicitly because LibreOffice keeps an .xlsx row's stored height.
 */
export function wrappedRowHeight(values: readonly unknown[], widths: readonly number[], wrapping: readonly number[]): number | undefined {
  let lines = 1;
  for (const c of wrapping) {
    const v = values[c - 1];
    if (typeof v === 'string' && v.length > (widths[c - 1] ?? 8.43) - 1) lines = Math.max(lines, wrappedLines(v, widths[c - 1] ?? 8.43));
  }
  return lines > 1 ? lines * 15 : undefined;
}
