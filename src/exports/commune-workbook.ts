import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { CLASSIFICATION_LEVELS } from '../evaluations/index.js';
import * as statistics from '../statistics/index.js';
import { dataSheetOptions, noSuppression, placeName, writeHeading, writeStaffSheet } from './sheets.js';
import { columnSum, commitSheet, createWriter, Pacer, pageSetup, ratio, STYLE, writeRow } from './xlsx.js';
import type { YearData } from './yearly-data.js';

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
  const summary = wb.addWorksheet(t('exports.workbook.sheets.summary'), { pageSetup: { ...pageSetup('1:5'), fitToHeight: 1 } });
  summary.getColumn(1).width = 6;
  summary.getColumn(2).width = 44;
  for (let c = 3; c <= 8; c++) summary.getColumn(c).width = 14;
  writeHeading(summary, t, {
    authority: authorityOf(t, data),
    issuer: t('exports.workbook.peoplesCommittee', { name }),
    place: placeName(name),
    date: now,
    title: t('exports.workbook.communeTitle', { year }),
    width: 8,
  });
  const f = statistics.sumFigures(data.figures);
  const n = statistics.totalsOf(f);
  const C = data.criteria.length;
  // The per-criterion table lists the code's criteria; its totals add up those rows.
  const resultsOf = (code: string) => f.results[code] ?? { good: 0, done: 0, breached: 0, ok: 0, all: 0 };
  const substantiatedOf = (code: string) => f.substantiatedByCriterion[code] ?? 0;
  let good = 0;
  let done = 0;
  let breached = 0;
  let substantiated = 0;
  for (const cr of data.criteria) {
    const x = resultsOf(cr.code);
    good += x.good;
    done += x.done;
    breached += x.breached;
    substantiated += substantiatedOf(cr.code);
  }

  writeRow(summary, []);
  writeRow(summary, [t('exports.workbook.col.no'), t('exports.workbook.figure'), t('exports.workbook.value')], (c) => (c <= 3 ? STYLE.header : undefined));
  // Rows 6 (blank) and 7 (header) are written; the figures start at row 8.
  const factStart = 8;
  const at = (offset: number) => `C${factStart + offset}`;
  const facts: [string, unknown, Partial<ExcelJS.Style>][] = [
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
  facts.forEach(([key, value, style], i) => writeRow(summary, [i + 1, t(`exports.workbook.facts.${key}`), value], (c) => (c === 3 ? style : undefined)));
  CLASSIFICATION_LEVELS.forEach((level, i) =>
    writeRow(summary, [facts.length + i + 1, t(`exports.workbook.classification.${level}`), f.classification[level] ?? 0], (c) => (c === 3 ? STYLE.integer : undefined)),
  );
  writeRow(summary, []);

  // Results per criterion, with the fulfilment rate and totals as formulas.
  const head = ['code', 'criterion', 'good', 'done', 'notDone', 'rate', 'substantiated'].map((k) => t(`exports.workbook.col.${k}`));
  writeRow(summary, ['', ...head], (c) => (c >= 2 ? STYLE.header : undefined), 30);
  // After the figures and classifications: one blank row, the header row, then the criteria.
  const first = factStart + facts.length + CLASSIFICATION_LEVELS.length + 2;
  data.criteria.forEach((cr, k) => {
    const row = first + k;
    const { good: g1, done: d1, breached: b1 } = resultsOf(cr.code);
    const inc = substantiatedOf(cr.code);
    const rate = { formula: `IF(SUM(D${row}:F${row})>0,(D${row}+E${row})/SUM(D${row}:F${row}),"")`, result: g1 + d1 + b1 > 0 ? (g1 + d1) / (g1 + d1 + b1) : '' };
    writeRow(summary, [k + 1, cr.code, cr.name, g1, d1, b1, rate, inc], (c) => (c >= 4 && c <= 6 ? STYLE.integer : c === 7 ? STYLE.percent : c === 8 ? STYLE.integer : undefined));
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
    ],
    (c) => (c === 3 ? STYLE.bold : c >= 4 && c <= 6 ? STYLE.totalInteger : c === 7 ? STYLE.totalPercent : c === 8 ? STYLE.totalInteger : undefined),
  );
  writeRow(summary, []);
  writeRow(summary, ['', t('exports.workbook.legend')], (c) => (c === 2 ? STYLE.note : undefined));
  await commitSheet(wb, summary);

  // ---- Staff
  const staffSheet = wb.addWorksheet(t('exports.workbook.sheets.staff'), dataSheetOptions(4, 2, '3:4'));
  await writeStaffSheet(staffSheet, data, staff, { t, title: t('exports.workbook.staffSheetTitle', { name: name.toLocaleUpperCase('vi'), year }), suppress: noSuppression, pacer, showUnit: true });
  await commitSheet(wb, staffSheet);

  // ---- Incidents
  await writeIncidentsSheet(wb, data, t, pacer);

  // ---- Satisfaction
  await writeSatisfactionSheet(wb, data, t, pacer);
  await wb.commit();
}

/** The per-group lists (each already sorted) as one list in name order. */
function mergeSorted(data: YearData, lists: Int32Array[]): number[] {
  const out = lists.flatMap((l) => Array.from(l));
  if (lists.filter((l) => l.length).length <= 1) return out;
  return out.sort((a, b) => (data.sortKeys[a]! < data.sortKeys[b]! ? -1 : data.sortKeys[a]! > data.sortKeys[b]! ? 1 : data.names[a]!.localeCompare(data.names[b]!, 'vi')));
}

async function writeIncidentsSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, data: YearData, t: TFunction, pacer: Pacer): Promise<void> {
  const ws = wb.addWorksheet(t('exports.workbook.sheets.incidents'), dataSheetOptions(3, 2, '3:3'));
  const keys = ['no', 'caseNumber', 'occurredAt', 'receivedAt', 'subject', 'unit', 'criteria', 'confirmed', 'status', 'remedy', 'letterSent'];
  [5, 18, 12, 12, 24, 24, 16, 16, 18, 30, 14].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const title = ws.getCell(1, 1);
  title.value = t('exports.workbook.incidentsTitle', { name: data.root.name.toLocaleUpperCase('vi'), year: data.year });
  title.style = STYLE.title as ExcelJS.Style;
  ws.mergeCells(1, 1, 1, keys.length);
  ws.getRow(1).height = 30;
  ws.getRow(1).commit();
  writeRow(ws, []);
  writeRow(ws, keys.map((k) => t(`exports.workbook.col.${k}`)), () => STYLE.header, 30);
  const dateCols = new Set([3, 4, 11]);
  let n = 0;
  for (const row of data.incidentRows) {
    n++;
    writeRow(
      ws,
      [
        n,
        row.caseNumber,
        row.occurredAt,
        row.receivedAt,
        row.subject,
        row.unitName,
        row.criteria.join(', '),
        row.confirmed.join(', '),
        t(`exports.workbook.reportStatus.${row.status}`),
        row.remedies.map((m) => t(`exports.workbook.remedy.${m}`)).join('; '),
        row.letterSentAt,
      ],
      (c) => (dateCols.has(c) ? STYLE.date : undefined),
    );
    await pacer.row();
  }
  // No cases: a plain 0, as a range clamped to row 4 would count the total itself.
  const count = n > 0 ? { formula: `COUNTA(B4:B${3 + n})`, result: n } : 0;
  writeRow(ws, ['', count, '', '', t('exports.workbook.total')], (c) => (c === 2 ? STYLE.totalInteger : c === 5 ? STYLE.bold : undefined));
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: Math.max(3 + n, 3), column: keys.length } };
  await commitSheet(wb, ws);
}

async function writeSatisfactionSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, data: YearData, t: TFunction, pacer: Pacer): Promise<void> {
  const ws = wb.addWorksheet(t('exports.workbook.sheets.satisfaction'), dataSheetOptions(3, 1, '3:3'));
  [36, 10, 14, 12, 14].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const title = ws.getCell(1, 1);
  title.value = t('exports.workbook.satisfactionTitle', { name: data.root.name.toLocaleUpperCase('vi'), year: data.year });
  title.style = STYLE.title as ExcelJS.Style;
  ws.mergeCells(1, 1, 1, 5);
  ws.getRow(1).height = 30;
  ws.getRow(1).commit();
  writeRow(ws, []);
  writeRow(ws, ['desk', 'month', 'ratings', 'satisfied', 'satisfactionRate'].map((k) => t(`exports.workbook.col.${k}`)), () => STYLE.header, 30);
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
      writeRow(ws, [desk.name, `${String(m + 1).padStart(2, '0')}/${data.year}`, n, ok, ratio(`D${r}`, `C${r}`, ok, n)], (c) => (c === 3 || c === 4 ? STYLE.integer : c === 5 ? STYLE.percent : undefined));
      r++;
      await pacer.row();
    }
  writeRow(
    ws,
    [t('exports.workbook.total'), '', columnSum(3, 4, r - 1, ratings), columnSum(4, 4, r - 1, satisfied), ratio(`D${r}`, `C${r}`, satisfied, ratings)],
    (c) => (c === 1 ? STYLE.bold : c === 3 || c === 4 ? STYLE.totalInteger : c === 5 ? STYLE.totalPercent : undefined),
  );
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: Math.max(r - 1, 3), column: 5 } };
  await commitSheet(wb, ws);
}
