import type { Writable } from 'node:stream';
import { CLASSIFICATION_LEVELS } from '../evaluations/index.js';
import * as statistics from '../statistics/index.js';
import { type WorkbookOptions } from './commune-workbook.js';
import type { Audience } from './model.js';
import { publishedCounts } from './published-counts.js';
import { writeComparisonSheets } from './comparison-sheets.js';
import { writeDeskFeedbackSheet } from './desk-feedback-sheet.js';
import { headerHeight, placeName, staffSheetOptions, writeHeading, writeStaffSheet } from './sheets.js';
import { col, columnSum, commitSheet, createWriter, firstPageColumns, fitColumns, Pacer, pageFooter, pageSetup, ratio, sheetNamer, STYLE, writeRow, type CellStyle } from './xlsx.js';
import { mergedNames, visibleGroups, type YearData } from './yearly-data.js';

export interface ProvinceWorkbookOptions extends WorkbookOptions {
  /** Report counts below this are hidden in a file for publication. */
  suppressBelow: number;
  audience: Audience;
}

/**
 * The province's workbook: a summary comparing every commune — its figures from the statistics read model, the ones
 * the dashboard shows — then one staff sheet per commune, written in order from the compact per-staff numbers
 * (never a row object per person for the whole province).
 */
export async function writeProvinceWorkbook(data: YearData, stream: Writable, opts: ProvinceWorkbookOptions): Promise<void> {
  const { t } = opts;
  const wb = createWriter(stream);
  const shown = visibleGroups(data);
  const lists = data.staffByGroup();
  // For publication, the report counts of every sheet are suppressed together; the internal file keeps them exact.
  const totalRows = shown.reduce((n, g) => n + lists[g]!.length + 6, shown.length + 20);
  const pacer = new Pacer(stream, (n) => opts.onRows?.(n, totalRows));
  const published = opts.audience === 'PUBLICATION' ? await publishedCounts(data, shown, lists, opts.suppressBelow, () => pacer.turn()) : null;
  const C = data.criteria.length;
  const L = CLASSIFICATION_LEVELS.length;

  // Columns of the summary, in order; fixed ones first, then incidents per criterion, then satisfaction and classification.
  const fixed = ['no', 'commune', 'staff', 'under40', 'under40Share', 'evaluations', 'finalised', 'completion', 'evaluatedStaff', 'fullyCompliant', 'fullyCompliantShare', 'complianceRate', 'reports'];
  const incStart = fixed.length + 1;
  const ratingsCol = incStart + C;
  const satisfiedCol = ratingsCol + 1;
  const rateCol = satisfiedCol + 1;
  const lateCol = rateCol + 1;
  const apologyCol = lateCol + 1;
  const classStart = apologyCol + 1;
  const width = classStart + L;
  const c = (key: string) => fixed.indexOf(key) + 1;

  // Widths: name, then counts and rates, narrow criterion codes, classifications (their labels wrap).
  const widths = [5, 20];
  for (let k = 3; k <= width; k++) widths.push(k === c('staff') ? 10 : k >= incStart && k < ratingsCol ? 4.5 : k >= classStart ? 9 : 7.5);
  const fit = fitColumns(widths, 2);
  const ws = wb.addWorksheet(t('exports.workbook.sheets.summary'), {
    views: [{ state: 'frozen', xSplit: 2, ySplit: 9 }],
    pageSetup: pageSetup({ titleRows: '8:9', titleColumns: 'A:B', fit }),
    headerFooter: pageFooter(t('exports.workbook.pageFooter')),
  });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  writeHeading(ws, t, {
    authority: t('exports.workbook.peoplesCommittee', { name: data.provinceName }),
    issuer: t('exports.workbook.homeAffairs'),
    place: placeName(data.provinceName),
    date: opts.now ?? new Date(),
    title: t('exports.workbook.provinceTitle', { year: data.year }),
    // Over the first printed page only when the summary is several pages wide.
    width: fit.pagesWide > 1 ? firstPageColumns(widths, fit) : width,
  });
  writeRow(ws, [published ? t('exports.workbook.publicationNote', { n: opts.suppressBelow }) : t('exports.workbook.internalNote')], () => STYLE.note);
  writeRow(ws, []);
  // Row 8 groups the columns; row 9 names each one, every name different (the filter sits on row 9).
  const groups: [string, number, number][] = [
    ['staffGroup', c('staff'), c('under40Share')],
    ['evaluationsGroup', c('evaluations'), c('complianceRate')],
    ['reportsGroup', c('reports'), ratingsCol - 1],
    ['satisfactionGroup', ratingsCol, rateCol],
    ['dossiersGroup', lateCol, apologyCol],
    ['classificationGroup', classStart, width],
  ];
  const groupRow: unknown[] = new Array(width).fill(null);
  for (const [key, from] of groups) groupRow[from - 1] = t(`exports.workbook.col.${key}`);
  writeRow(ws, groupRow, () => STYLE.header, 34, groups.filter(([, from, to]) => to > from).map(([, from, to]) => [from, to] as const));
  const header = [
    ...fixed.map((k) => t(`exports.workbook.col.${k}`)),
    ...data.criteria.map((cr) => cr.code),
    t('exports.workbook.col.satisfactionRatings'),
    t('exports.workbook.col.satisfiedRatings'),
    t('exports.workbook.col.satisfactionRate'),
    t('exports.workbook.col.lateDossiers'),
    t('exports.workbook.col.apologyBreaches'),
    ...CLASSIFICATION_LEVELS.map((l) => t(`exports.workbook.classification.${l}`)),
    t('exports.workbook.col.unclassified'),
  ];
  writeRow(ws, header, () => STYLE.header, headerHeight(header, widths));

  // Heading rows 1–5, note 6, blank 7, header 8–9.
  const first = 10;
  const styleOf = (k: number): CellStyle =>
    k === c('under40Share') || k === c('completion') || k === c('fullyCompliantShare') || k === c('complianceRate') || k === rateCol ? STYLE.percent : k >= 3 ? STYLE.integer : k === 1 ? STYLE.centered : STYLE.text;
  const rate = (part: number, whole: number) => (whole > 0 ? part / whole : '');
  /** The columns after the commune's name, from its figures; `at` is the row, for the ratio formulas. */
  const cellsOf = (f: statistics.UnitYearFigures, at: number, count: (k: number, n: number) => unknown, reportCount: (j: number, n: number) => unknown): unknown[] => {
    const n = statistics.totalsOf(f);
    return [
      count(c('staff'), f.staff),
      count(c('under40'), f.under40),
      ratio(`${col(c('under40'))}${at}`, `${col(c('staff'))}${at}`, f.under40, f.staff),
      count(c('evaluations'), n.evaluations),
      count(c('finalised'), n.finalised),
      ratio(`${col(c('finalised'))}${at}`, `${col(c('evaluations'))}${at}`, n.finalised, n.evaluations),
      count(c('evaluatedStaff'), f.evaluatedStaff),
      count(c('fullyCompliant'), f.fullyCompliant),
      ratio(`${col(c('fullyCompliant'))}${at}`, `${col(c('evaluatedStaff'))}${at}`, f.fullyCompliant, f.evaluatedStaff),
      rate(n.fulfilled, n.results),
      // Published, report counts are printed values in the province row too (a formula cannot add "<3" or "x").
      reportCount(0, n.reports),
      ...data.criteria.map((cr, k) => reportCount(1 + k, f.substantiatedByCriterion[cr.code] ?? 0)),
      count(ratingsCol, n.ratings),
      count(satisfiedCol, n.satisfied),
      ratio(`${col(satisfiedCol)}${at}`, `${col(ratingsCol)}${at}`, n.satisfied, n.ratings),
      count(lateCol, f.lateDossiers),
      count(apologyCol, f.apologyBreaches),
      ...CLASSIFICATION_LEVELS.map((l, i) => count(classStart + i, f.classification[l] ?? 0)),
      count(classStart + L, f.unclassified),
    ];
  };
  let r = first;
  for (const g of shown) {
    const reportCount = (j: number, n: number) => (published ? published.summary(g, j, n) : n);
    const group = data.groups[g]!;
    const label = group.includes.length ? t('exports.workbook.includesPredecessors', { name: group.name, names: mergedNames(group.includes) }) : group.name;
    // A successor's label names its predecessors: it wraps in the name column, the row as tall as its lines.
    const wrapped = group.includes.length > 0;
    writeRow(ws, [r - first + 1, label, ...cellsOf(data.figures[g]!, r, (_k, n) => n, reportCount)], (k) => (wrapped && k === 2 ? STYLE.textWrap : styleOf(k)), wrapped ? Math.ceil(label.length / 22) * 15 : undefined);
    await pacer.row();
    r++;
  }
  // The province row: counts as SUM formulas over the rows above (their results the read model's sums), rates over them.
  const last = r - 1;
  const totals = statistics.sumFigures(shown.map((g) => data.figures[g]!));
  const sum = (k: number, n: number) => columnSum(k, first, last, n);
  const reportTotal = (j: number, n: number) => (published ? published.summary(null, j, n) : sum(c('reports') + j, n));
  const totalRow: unknown[] = ['', t('exports.workbook.provinceTotal'), ...cellsOf(totals, r, sum, reportTotal)];
  writeRow(ws, totalRow, (k) => (k <= 2 ? STYLE.bold : styleOf(k) === STYLE.percent ? STYLE.totalPercent : STYLE.totalInteger));
  ws.autoFilter = { from: { row: 9, column: 1 }, to: { row: Math.max(last, 9), column: width } };
  await commitSheet(wb, ws);

  const name = sheetNamer();
  name(t('exports.workbook.sheets.summary'));
  name(t('exports.workbook.sheets.deskFeedback'));
  await writeComparisonSheets(wb, { data, shown, t, published, suppressBelow: opts.suppressBelow, totalLabel: t('exports.workbook.provinceTotal'), sheetName: name, pacer });

  // One sheet per commune with people, in the summary's order.
  for (const g of shown) {
    if (!lists[g]!.length) continue;
    const group = data.groups[g]!;
    const sheet = wb.addWorksheet(name(group.name), staffSheetOptions(t, data, true));
    await writeStaffSheet(sheet, data, lists[g]!, {
      t,
      title: t('exports.workbook.staffSheetTitle', { name: group.name.toLocaleUpperCase('vi'), year: data.year }),
      incidents: published ? published.staffSheet(g) : null,
      pacer,
      showUnit: true,
    });
    await commitSheet(wb, sheet);
  }
  // Last, after the commune sheets that append the summary.
  await writeDeskFeedbackSheet(wb, data, shown, t, published ? opts.suppressBelow : null, t('exports.workbook.provinceTotal'), pacer);
  await wb.commit();
}
