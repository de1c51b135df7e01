import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { CLASSIFICATION_LEVELS } from '../evaluations/index.js';
import * as statistics from '../statistics/index.js';
import { vietnamDay } from '../shared/dates.js';
import { dataSheetOptions, headerHeight, wrappedRowHeight, placeName, staffSheetOptions, writeHeading, writeStaffSheet } from './sheets.js';
import { columnSum, commitSheet, createWriter, fitColumns, Pacer, pageFooter, pageSetup, ratio, STYLE, writeRow, type CellStyle } from './xlsx.js';
import { mergedNames, visibleGroups, type YearData } from './yearly-data.js';
import { writeDeskFeedbackSheet } from './desk-feedback-sheet.js';

export interface WorkbookOptions {
  t: TFunction;
  now?: Date;
  /** Rows written so far, out of the total expected: for the progress bar. */
  onRows?: (written: number, total: number) => void;
}

/** The issuing authority above a unit: the province's People's Committee. */
function authorityOf(t: TFunction, data: YearData): string {
  return t('exports.workbook.peoplesCommittee', { name: data.provinceName });
}

/**
 * The commune's yearly workbook: summary (national heading, key figures, results per criterion — the statistics read
 * model's figures, the ones the dashboard shows), staff, incidents, satisfaction — written sheet by sheet to any
 * writable, in one pass over the collected numbers.
 */
export async function writeCommuneWorkbook(data: YearData, stream: Writable, opts: WorkbookOptions): Promise<void> {
  const { t } = opts;
  const now = opts.now ?? new Date();
  const wb = createWriter(stream);
  const staffLists = data.staffByGroup();
  // One commune, but several groups may fall under the unit: everyone is listed together, in name order.
  const staff = Int32Array.from(mergeSorted(data, staffLists));
  const totalRows = staff.length + data.incidentRows.length + 40;
  const pacer = new Pacer(stream, (n) => opts.onRows?.(n, totalRows));
  const name = data.root.name;
  const year = data.year;

  // ---- Summary
  // Columns: STT | code | criterion (the key figures' label spans both) | figures. The heading and the figures' table
  // print on one landscape A4 width.
  const summaryWidths = [6, 8, 36, 13, 13, 13, 13, 13, 13];
  const summary = wb.addWorksheet(t('exports.workbook.sheets.summary'), {
    // The national heading prints once, on the first page, as on any official document.
    pageSetup: pageSetup({ fit: fitColumns(summaryWidths, 0) }),
    headerFooter: pageFooter(t('exports.workbook.pageFooter')),
  });
  summaryWidths.forEach((w, i) => (summary.getColumn(i + 1).width = w));
  writeHeading(summary, t, {
    authority: authorityOf(t, data),
    issuer: t('exports.workbook.peoplesCommittee', { name }),
    place: placeName(name),
    date: now,
    title: t('exports.workbook.communeTitle', { year }),
    width: summaryWidths.length,
  });
  const f = statistics.sumFigures(data.figures);
  const n = statistics.totalsOf(f);
  const C = data.criteria.length;
  // The per-criterion table lists the code's criteria; its totals add up those rows.
  const resultsOf = (code: string) => f.results[code] ?? { good: 0, done: 0, breached: 0, ok: 0, all: 0 };
  const substantiatedOf = (code: string) => f.substantiatedByCriterion[code] ?? 0;
  const allegedOf = (code: string) => f.reportsByCriterion[code] ?? 0;
  let good = 0;
  let done = 0;
  let breached = 0;
  let substantiated = 0;
  let alleged = 0;
  for (const cr of data.criteria) {
    const x = resultsOf(cr.code);
    good += x.good;
    done += x.done;
    breached += x.breached;
    substantiated += substantiatedOf(cr.code);
    alleged += allegedOf(cr.code);
  }

  // Row 6: whom the file is for (a commune's file is always its own, exact).
  writeRow(summary, [t('exports.workbook.internalMark')], () => STYLE.note);
  // The merger year: the commune's figures include those of the communes merged into it (labelled as such).
  const merged = data.groups.flatMap((g) => g.includes);
  if (merged.length) writeRow(summary, [t('exports.workbook.includesNote', { names: mergedNames(merged) })], () => STYLE.note);
  // The figure's label spans columns B–C; the value is in D.
  const factRow = (values: unknown[], valueStyle: CellStyle, labelStyle: CellStyle = STYLE.text) => {
    writeRow(summary, [values[0], values[1], null, values[2]], (c) => (c === 1 ? (labelStyle === STYLE.header ? STYLE.header : STYLE.centered) : c <= 3 ? labelStyle : valueStyle), undefined, [[2, 3]]);
  };
  factRow([t('exports.workbook.col.no'), t('exports.workbook.figure'), t('exports.workbook.value')], STYLE.header, STYLE.header);
  // Rows 6 (blank) and 7 (header) are written; the figures start at row 8.
  const factStart = 8;
  const at = (offset: number) => `D${factStart + offset}`;
  const facts: [string, unknown, CellStyle][] = [
    ['staff', f.staff, STYLE.integer],
    ['under40', f.under40, STYLE.integer],
    ['under40Share', ratio(at(1), at(0), f.under40, f.staff), STYLE.percent],
    ['evaluations', n.evaluations, STYLE.integer],
    ['finalised', n.finalised, STYLE.integer],
    ['completion', ratio(at(4), at(3), n.finalised, n.evaluations), STYLE.percent],
    ['evaluatedStaff', f.evaluatedStaff, STYLE.integer],
    ['fullyCompliant', f.fullyCompliant, STYLE.integer],
    ['fullyCompliantShare', ratio(at(7), at(6), f.fullyCompliant, f.evaluatedStaff), STYLE.percent],
    ['complianceRate', n.results > 0 ? n.fulfilled / n.results : '', STYLE.percent],
    ['reports', n.reports, STYLE.integer],
    ['substantiated', substantiated, STYLE.integer],
    ['ratings', n.ratings, STYLE.integer],
    ['satisfiedCount', n.satisfied, STYLE.integer],
    ['satisfactionRate', ratio(at(13), at(12), n.satisfied, n.ratings), STYLE.percent],
    ['lateDossiers', f.lateDossiers, STYLE.integer],
    ['apologyBreaches', f.apologyBreaches, STYLE.integer],
  ];
  facts.forEach(([key, value, style], i) => factRow([i + 1, t(`exports.workbook.facts.${key}`), value], style));
  CLASSIFICATION_LEVELS.forEach((level, i) => factRow([facts.length + i + 1, t(`exports.workbook.classification.${level}`), f.classification[level] ?? 0], STYLE.integer));
  writeRow(summary, []);

  // Results per criterion, with the fulfilment rate and totals as formulas.
  const head = ['no', 'code', 'criterion', 'good', 'done', 'notDone', 'rate', 'substantiated', 'alleged'].map((k) => t(`exports.workbook.col.${k}`));
  writeRow(summary, head, () => STYLE.header, headerHeight(head, summaryWidths));
  // After the figures and classifications: one blank row, the header row, then the criteria.
  const first = factStart + facts.length + CLASSIFICATION_LEVELS.length + 2;
  const criterionStyle = (c: number): CellStyle => (c <= 2 ? STYLE.centered : c === 3 ? STYLE.textWrap : c === 7 ? STYLE.percent : STYLE.integer);
  data.criteria.forEach((cr, k) => {
    const row = first + k;
    const { good: g1, done: d1, breached: b1 } = resultsOf(cr.code);
    const rate = { formula: `IF(SUM(D${row}:F${row})>0,(D${row}+E${row})/SUM(D${row}:F${row}),"")`, result: g1 + d1 + b1 > 0 ? (g1 + d1) / (g1 + d1 + b1) : '' };
    const values = [k + 1, cr.code, cr.name, g1, d1, b1, rate, substantiatedOf(cr.code), allegedOf(cr.code)];
    writeRow(summary, values, criterionStyle, wrappedRowHeight(values, summaryWidths, [3]));
  });
  const last = first + C - 1;
  const totalRow = last + 1;
  const colSum = (c: number, value: number) => columnSum(c, first, last, value);
  writeRow(
    summary,
    [
      '',
      '',
      t('exports.workbook.total'),
      colSum(4, good),
      colSum(5, done),
      colSum(6, breached),
      { formula: `IF(SUM(D${totalRow}:F${totalRow})>0,(D${totalRow}+E${totalRow})/SUM(D${totalRow}:F${totalRow}),"")`, result: good + done + breached > 0 ? (good + done) / (good + done + breached) : '' },
      colSum(8, substantiated),
      colSum(9, alleged),
    ],
    (c) => (c <= 3 ? STYLE.bold : c === 7 ? STYLE.totalPercent : STYLE.totalInteger),
  );
  writeRow(summary, []);
  writeRow(summary, ['', t('exports.workbook.legend')], (c) => (c === 2 ? STYLE.note : undefined));
  writeRow(summary, ['', t('exports.workbook.reportsLegend')], (c) => (c === 2 ? STYLE.note : undefined));
  await commitSheet(wb, summary);

  // ---- Staff
  const staffSheet = wb.addWorksheet(t('exports.workbook.sheets.staff'), staffSheetOptions(t, data, true));
  await writeStaffSheet(staffSheet, data, staff, { t, title: t('exports.workbook.staffSheetTitle', { name: name.toLocaleUpperCase('vi'), year }), incidents: null, pacer, showUnit: true });
  await commitSheet(wb, staffSheet);

  // ---- Incidents
  await writeIncidentsSheet(wb, data, t, pacer);

  // ---- Satisfaction
  await writeSatisfactionSheet(wb, data, t, pacer);
  // A commune's file is its own internal copy: exact counts.
  await writeDeskFeedbackSheet(wb, data, visibleGroups(data), t, null, t('exports.workbook.total'), pacer);
  await wb.commit();
}

/** The per-group lists (each already sorted) as one list in name order. */
function mergeSorted(data: YearData, lists: Int32Array[]): number[] {
  const out = lists.flatMap((l) => Array.from(l));
  if (lists.filter((l) => l.length).length <= 1) return out;
  return out.sort((a, b) => (data.sortKeys[a]! < data.sortKeys[b]! ? -1 : data.sortKeys[a]! > data.sortKeys[b]! ? 1 : data.names[a]!.localeCompare(data.names[b]!, 'vi')));
}

/** Person, unit, criteria, status and remedy may need more than one line. */
const WRAPPING_INCIDENT_COLUMNS = [5, 6, 7, 8, 9, 10];

async function writeIncidentsSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, data: YearData, t: TFunction, pacer: Pacer): Promise<void> {
  const keys = ['no', 'caseNumber', 'occurredAt', 'receivedAt', 'subject', 'unit', 'criteria', 'confirmed', 'status', 'remedy', 'letterSent'];
  const widths = [5, 16, 11, 11, 22, 22, 12, 12, 16, 24, 12];
  const ws = wb.addWorksheet(t('exports.workbook.sheets.incidents'), dataSheetOptions(t, { headerRows: 3, frozenColumns: 2, titleRows: '3:3', titleColumns: 'A:B', fit: fitColumns(widths, 2) }));
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const title = ws.getCell(1, 1);
  title.value = t('exports.workbook.incidentsTitle', { name: data.root.name.toLocaleUpperCase('vi'), year: data.year });
  title.style = STYLE.title as ExcelJS.Style;
  ws.mergeCells(1, 1, 1, keys.length);
  ws.getRow(1).height = 30;
  ws.getRow(1).commit();
  writeRow(ws, []);
  const labels = keys.map((k) => t(`exports.workbook.col.${k}`));
  writeRow(ws, labels, () => STYLE.header, headerHeight(labels, widths));
  const dateCols = new Set([3, 4, 11]);
  const rowStyle = (c: number): CellStyle => (dateCols.has(c) ? STYLE.date : c === 1 ? STYLE.centered : STYLE.textWrap);
  // A duplicate is listed (every case received shows) but not numbered: the statistics, and so the summary's
  // count of reports received, count the matter once, in the case it was joined to. The total counts numbered rows.
  let n = 0;
  let listed = 0;
  for (const row of data.incidentRows) {
    listed++;
    if (!row.duplicateOf) n++;
    const values = [
        row.duplicateOf ? '' : n,
        row.caseNumber,
        row.occurredAt,
        // A moment: the day it fell on in Việt Nam (a cell holds a date without a zone).
        vietnamDay(row.receivedAt),
        row.subject,
        row.unitName,
        row.criteria.join(', '),
        row.confirmed.join(', '),
        row.duplicateOf ? t('exports.workbook.duplicateOf', { number: row.duplicateOf }) : t(`exports.workbook.reportStatus.${row.status}`),
        row.remedies.map((m) => t(`exports.workbook.remedy.${m}`)).join('; '),
        row.letterSentAt,
    ];
    writeRow(ws, values, rowStyle, wrappedRowHeight(values, widths, WRAPPING_INCIDENT_COLUMNS));
    await pacer.row();
  }
  // No cases: a plain 0, as a range clamped to row 4 would count the total itself.
  const count = listed > 0 ? { formula: `COUNT(A4:A${3 + listed})`, result: n } : 0;
  const total: unknown[] = new Array(keys.length).fill('');
  total[1] = count;
  total[4] = t('exports.workbook.total');
  writeRow(ws, total, (c) => (c === 2 ? STYLE.totalInteger : c === 5 ? STYLE.bold : STYLE.text));
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: Math.max(3 + listed, 3), column: keys.length } };
  await commitSheet(wb, ws);
}

async function writeSatisfactionSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, data: YearData, t: TFunction, pacer: Pacer): Promise<void> {
  const widths = [36, 10, 14, 12, 14];
  const ws = wb.addWorksheet(t('exports.workbook.sheets.satisfaction'), dataSheetOptions(t, { headerRows: 3, frozenColumns: 1, titleRows: '3:3', fit: fitColumns(widths, 1) }));
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const title = ws.getCell(1, 1);
  title.value = t('exports.workbook.satisfactionTitle', { name: data.root.name.toLocaleUpperCase('vi'), year: data.year });
  title.style = STYLE.title as ExcelJS.Style;
  ws.mergeCells(1, 1, 1, 5);
  ws.getRow(1).height = 30;
  ws.getRow(1).commit();
  writeRow(ws, []);
  const labels = ['desk', 'month', 'satisfactionRatings', 'satisfiedRatings', 'satisfactionRate'].map((k) => t(`exports.workbook.col.${k}`));
  writeRow(ws, labels, () => STYLE.header, headerHeight(labels, widths));
  const rowStyle = (c: number): CellStyle => (c === 1 ? STYLE.text : c === 2 ? STYLE.centered : c === 5 ? STYLE.percent : STYLE.integer);
  const desks = [...data.desks.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  let r = 4;
  let ratings = 0;
  let satisfied = 0;
  for (const desk of desks)
    for (let m = 0; m < 12; m++) {
      const n = desk.months[m * 2]!;
      if (!n) continue;
      const ok = desk.months[m * 2 + 1]!;
      ratings += n;
      satisfied += ok;
      writeRow(ws, [desk.name, `${String(m + 1).padStart(2, '0')}/${data.year}`, n, ok, ratio(`D${r}`, `C${r}`, ok, n)], rowStyle);
      r++;
      await pacer.row();
    }
  writeRow(
    ws,
    [t('exports.workbook.total'), '', columnSum(3, 4, r - 1, ratings), columnSum(4, 4, r - 1, satisfied), ratio(`D${r}`, `C${r}`, satisfied, ratings)],
    (c) => (c <= 2 ? STYLE.bold : c === 5 ? STYLE.totalPercent : STYLE.totalInteger),
  );
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: Math.max(r - 1, 3), column: 5 } };
  await commitSheet(wb, ws);
}
