import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { CLASSIFICATION_LEVELS } from '../evaluations/model.js';
import { type WorkbookOptions } from './commune-workbook.js';
import { dataSheetOptions, placeName, suppressBelow, writeHeading, writeStaffSheet } from './sheets.js';
import { col, commitSheet, createWriter, Pacer, pageSetup, ratio, sheetNamer, STYLE, sum, writeRow } from './xlsx.js';
import { summariseGroups, visibleGroups, type YearData } from './yearly-data.js';

export interface ProvinceWorkbookOptions extends WorkbookOptions {
  /** Report counts below this are printed as "<N". */
  suppressBelow: number;
}

/**
 * The province's workbook: a summary comparing every commune, then one staff sheet per commune, written
 * in order from the compact per-staff numbers (never a row object per person for the whole province).
 */
export async function writeProvinceWorkbook(data: YearData, stream: Writable, opts: ProvinceWorkbookOptions): Promise<void> {
  const { t } = opts;
  const suppress = suppressBelow(opts.suppressBelow);
  const wb = createWriter(stream);
  const sums = summariseGroups(data);
  const shown = visibleGroups(data, sums);
  const lists = data.staffByGroup();
  // The sums and per-commune sorts above run in one go: let waiting requests through before writing starts.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const totalRows = shown.reduce((n, g) => n + lists[g]!.length + 6, shown.length + 20);
  const pacer = new Pacer(stream, (n) => opts.onRows?.(n, totalRows));
  const C = data.criteria.length;
  const L = CLASSIFICATION_LEVELS.length;

  // Columns of the summary, in order; fixed ones first, then incidents per criterion, then satisfaction and classification.
  const fixed = ['no', 'commune', 'staff', 'under40', 'under40Share', 'evaluations', 'finalised', 'completion', 'evaluatedStaff', 'fullyCompliant', 'fullyCompliantShare', 'complianceRate', 'reports'];
  const incStart = fixed.length + 1;
  const ratingsCol = incStart + C;
  const satisfiedCol = ratingsCol + 1;
  const rateCol = satisfiedCol + 1;
  const classStart = rateCol + 1;
  const width = classStart + L;
  const c = (key: string) => fixed.indexOf(key) + 1;

  const ws = wb.addWorksheet(t('exports.workbook.sheets.summary'), {
    views: [{ state: 'frozen', xSplit: 2, ySplit: 8 }],
    pageSetup: pageSetup('8:8'),
  });
  ws.getColumn(1).width = 5;
  ws.getColumn(2).width = 24;
  for (let k = 3; k <= width; k++) ws.getColumn(k).width = k >= incStart && k < ratingsCol ? 6 : 11;
  for (let k = classStart; k <= width; k++) ws.getColumn(k).width = 14;
  writeHeading(ws, t, {
    authority: t('exports.workbook.peoplesCommittee', { name: data.provinceName }),
    issuer: t('exports.workbook.homeAffairs'),
    place: placeName(data.provinceName),
    date: opts.now ?? new Date(),
    title: t('exports.workbook.provinceTitle', { year: data.year }),
    width: Math.min(width, 18),
  });
  writeRow(ws, [t('exports.workbook.suppressedNote', { n: opts.suppressBelow })], () => STYLE.note);
  writeRow(ws, []);
  const header = [
    ...fixed.map((k) => t(`exports.workbook.col.${k}`)),
    ...data.criteria.map((cr) => cr.code),
    t('exports.workbook.col.ratings'),
    t('exports.workbook.col.satisfied'),
    t('exports.workbook.col.satisfactionRate'),
    ...CLASSIFICATION_LEVELS.map((l) => t(`exports.workbook.classification.${l}`)),
    t('exports.workbook.col.unclassified'),
  ];
  writeRow(ws, header, () => STYLE.header, 60);

  // Heading rows 1–5, note 6, blank 7, header 8.
  const first = 9;
  const totals = { staff: 0, under40: 0, evaluations: 0, finalised: 0, evaluatedStaff: 0, fullyCompliant: 0, good: 0, all: 0, reports: 0, ratings: 0, satisfied: 0 };
  const incTotals = new Array<number>(C).fill(0);
  const classTotals = new Array<number>(L + 1).fill(0);
  const styleOf = (k: number): Partial<ExcelJS.Style> | undefined =>
    k === c('under40Share') || k === c('completion') || k === c('fullyCompliantShare') || k === c('complianceRate') || k === rateCol ? STYLE.percent : k >= 3 ? STYLE.integer : undefined;
  let r = first;
  for (const g of shown) {
    const s = sums[g]!;
    let good = 0;
    let all = 0;
    for (let k = 0; k < C; k++) {
      const at = (g * C + k) * 3;
      good += data.criterionResults[at]! + data.criterionResults[at + 1]!;
      all += data.criterionResults[at]! + data.criterionResults[at + 1]! + data.criterionResults[at + 2]!;
    }
    let ratings = 0;
    let satisfied = 0;
    for (let m = 0; m < 12; m++) {
      ratings += data.ratings[g * 12 + m]!;
      satisfied += data.satisfied[g * 12 + m]!;
    }
    const row: unknown[] = [
      r - first + 1,
      data.groups[g]!.name,
      s.staff,
      s.under40,
      ratio(`${col(c('under40'))}${r}`, `${col(c('staff'))}${r}`, s.under40, s.staff),
      data.evaluations[g],
      data.finalised[g],
      ratio(`${col(c('finalised'))}${r}`, `${col(c('evaluations'))}${r}`, data.finalised[g]!, data.evaluations[g]!),
      s.evaluatedStaff,
      s.fullyCompliant,
      ratio(`${col(c('fullyCompliant'))}${r}`, `${col(c('evaluatedStaff'))}${r}`, s.fullyCompliant, s.evaluatedStaff),
      all > 0 ? good / all : '',
      suppress(data.reports[g]!),
    ];
    for (let k = 0; k < C; k++) {
      const n = data.substantiatedByCriterion[g * C + k]!;
      incTotals[k]! += n;
      row.push(suppress(n));
    }
    row.push(ratings, satisfied, ratio(`${col(satisfiedCol)}${r}`, `${col(ratingsCol)}${r}`, satisfied, ratings));
    for (let l = 0; l < L; l++) {
      row.push(s.classification[l]);
      classTotals[l]! += s.classification[l]!;
    }
    row.push(s.unclassified);
    classTotals[L]! += s.unclassified;
    writeRow(ws, row, styleOf);
    await pacer.row(width);
    totals.staff += s.staff;
    totals.under40 += s.under40;
    totals.evaluations += data.evaluations[g]!;
    totals.finalised += data.finalised[g]!;
    totals.evaluatedStaff += s.evaluatedStaff;
    totals.fullyCompliant += s.fullyCompliant;
    totals.good += good;
    totals.all += all;
    totals.reports += data.reports[g]!;
    totals.ratings += ratings;
    totals.satisfied += satisfied;
    r++;
  }
  // The province row: sums as formulas, rates over the sums; report counts as suppressed values (a formula cannot add "<3").
  const last = Math.max(r - 1, first);
  const S = (k: number, n: number) => sum(`${col(k)}${first}:${col(k)}${last}`, n);
  const totalRow: unknown[] = [
    '',
    t('exports.workbook.provinceTotal'),
    S(c('staff'), totals.staff),
    S(c('under40'), totals.under40),
    ratio(`${col(c('under40'))}${r}`, `${col(c('staff'))}${r}`, totals.under40, totals.staff),
    S(c('evaluations'), totals.evaluations),
    S(c('finalised'), totals.finalised),
    ratio(`${col(c('finalised'))}${r}`, `${col(c('evaluations'))}${r}`, totals.finalised, totals.evaluations),
    S(c('evaluatedStaff'), totals.evaluatedStaff),
    S(c('fullyCompliant'), totals.fullyCompliant),
    ratio(`${col(c('fullyCompliant'))}${r}`, `${col(c('evaluatedStaff'))}${r}`, totals.fullyCompliant, totals.evaluatedStaff),
    totals.all > 0 ? totals.good / totals.all : '',
    suppress(totals.reports),
    ...incTotals.map(suppress),
    S(ratingsCol, totals.ratings),
    S(satisfiedCol, totals.satisfied),
    ratio(`${col(satisfiedCol)}${r}`, `${col(ratingsCol)}${r}`, totals.satisfied, totals.ratings),
    ...classTotals.map((n, l) => S(classStart + l, n)),
  ];
  writeRow(ws, totalRow, (k) => (k === 2 ? STYLE.bold : styleOf(k) === STYLE.percent ? STYLE.totalPercent : k >= 3 ? STYLE.totalInteger : undefined));
  ws.autoFilter = { from: { row: 8, column: 1 }, to: { row: last, column: width } };
  await commitSheet(wb, ws);

  // One sheet per commune with people, in the summary's order.
  const name = sheetNamer();
  name(t('exports.workbook.sheets.summary'));
  for (const g of shown) {
    if (!lists[g]!.length) continue;
    const group = data.groups[g]!;
    const sheet = wb.addWorksheet(name(group.name), dataSheetOptions(4, 2, '3:4'));
    await writeStaffSheet(sheet, data, lists[g]!, {
      t,
      title: t('exports.workbook.staffSheetTitle', { name: group.name.toLocaleUpperCase('vi'), year: data.year }),
      suppress,
      pacer,
      showUnit: true,
    });
    await commitSheet(wb, sheet);
  }
  await wb.commit();
}
