import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import * as statistics from '../statistics/index.js';
import { writeCommuneTable, type CellAt, type TableColumn, type TableGroup } from './commune-table.js';
import { communeFigures, fulfilment, QUARTERS, REMEDIES, sumOf, type CommuneFigures } from './commune-figures.js';
import type { ComparisonKey } from './published-comparison.js';
import type { PublishedCounts } from './published-counts.js';
import { columnSum, rowSum, type Pacer } from './xlsx.js';
import type { YearData } from './yearly-data.js';

export interface ComparisonContext {
  data: YearData;
  shown: readonly number[];
  t: TFunction;
  /** The report counts suppressed with the rest of the file for publication; null in the internal file. */
  published: PublishedCounts | null;
  suppressBelow: number;
  totalLabel: string;
  sheetName: (name: string) => string;
  /** Gives way to waiting requests as rows are written. */
  pacer: Pacer;
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : '');

/**
 * The province workbook's sheets after the summary that compare communes: each criterion's results, the year by
 * quarter, the year against the one before, and what was done about late dossiers and substantiated reports.
 */
export async function writeComparisonSheets(wb: ExcelJS.stream.xlsx.WorkbookWriter, ctx: ComparisonContext): Promise<void> {
  const { data, shown } = ctx;
  const now = shown.map((g) => communeFigures(data.figures[g]!));
  const total = communeFigures(statistics.sumFigures(shown.map((g) => data.figures[g]!)));
  await writeCriteriaSheet(wb, ctx);
  await writeQuarterSheet(wb, ctx, now, total);
  await writeYearOnYearSheet(wb, ctx, now, total);
  await writeRemediesSheet(wb, ctx, now, total);
}

/** A report count of commune row i (or the province row, as the column's SUM in the internal file). */
function reportCount(ctx: ComparisonContext, key: ComparisonKey, j: number) {
  return {
    cell: (i: number, n: number) => (ctx.published ? ctx.published.comparison(key, ctx.shown[i]!, j, n) : n),
    total: (at: CellAt, columnKey: string, n: number) => (ctx.published ? ctx.published.comparison(key, null, j, n) : columnSum(at.column(columnKey), at.first, at.last, n)),
  };
}

function note(ctx: ComparisonContext, definition: string): string {
  const audience = ctx.published ? ctx.t('exports.workbook.comparison.publication', { n: ctx.suppressBelow }) : ctx.t('exports.workbook.internalMark');
  return `${audience} ${definition}`;
}

async function writeCriteriaSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, ctx: ComparisonContext): Promise<void> {
  const { data, shown, t } = ctx;
  const totals = statistics.sumFigures(shown.map((g) => data.figures[g]!));
  const groups: TableGroup[] = data.criteria.map((cr) => ({
    label: `${cr.code}. ${cr.name}`,
    columns: [
      {
        key: `${cr.code}:breached`,
        label: t('exports.workbook.col.notDone'),
        kind: 'count',
        cell: (i) => data.figures[shown[i]!]!.results[cr.code]?.breached ?? 0,
        total: (at) => columnSum(at.column(`${cr.code}:breached`), at.first, at.last, totals.results[cr.code]?.breached ?? 0),
      },
      {
        key: `${cr.code}:rate`,
        label: t('exports.workbook.col.rate'),
        kind: 'percent',
        cell: (i) => {
          const f = fulfilment(data.figures[shown[i]!]!, cr.code);
          return rate(f.ok, f.all);
        },
        total: () => {
          const f = fulfilment(totals, cr.code);
          return rate(f.ok, f.all);
        },
      },
    ],
  }));
  await writeCommuneTable(wb, t, {
    sheetName: ctx.sheetName(t('exports.workbook.sheets.criteria')),
    title: t('exports.workbook.comparison.criteriaTitle', { year: data.year }),
    note: `${ctx.published ? t('exports.workbook.comparison.evaluationsPublished') : t('exports.workbook.internalMark')} ${t('exports.workbook.comparison.criteriaNote')}`,
    rowNames: shown.map((g) => data.groups[g]!.name),
    totalLabel: ctx.totalLabel,
    groups,
  }, ctx.pacer);
}

async function writeQuarterSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, ctx: ComparisonContext, now: CommuneFigures[], total: CommuneFigures): Promise<void> {
  const { data, t } = ctx;
  const quarterLabel = (q: number) => t('exports.workbook.period.quarterly', { n: q });
  const yearLabel = t('exports.workbook.period.yearly');
  /** Four quarters and the year of a report count, suppressed together in the file for publication. */
  const reportBlock = (key: 'received' | 'substantiated', label: string): TableGroup => ({
    label,
    columns: [...QUARTERS, 0].map((q): TableColumn => {
      const j = q === 0 ? 4 : q - 1;
      const counts = reportCount(ctx, key, j);
      const of = (f: CommuneFigures) => (j === 4 ? sumOf(f[key]) : f[key][j]!);
      return {
        key: `${key}:${j}`,
        label: q === 0 ? yearLabel : quarterLabel(q),
        width: 7,
        kind: 'count',
        cell: (i, at) => (j === 4 && !ctx.published ? rowSum(at.row, at.column(`${key}:0`), at.column(`${key}:3`), of(now[i]!)) : counts.cell(i, of(now[i]!))),
        total: (at) => counts.total(at, `${key}:${j}`, of(total)),
      };
    }),
  });
  const ratingsBlock: TableGroup = {
    label: t('exports.workbook.col.satisfactionRatings'),
    columns: [...QUARTERS, 0].map((q): TableColumn => {
      const j = q === 0 ? 4 : q - 1;
      const of = (f: CommuneFigures) => (j === 4 ? sumOf(f.ratings) : f.ratings[j]!);
      return {
        key: `ratings:${j}`,
        label: q === 0 ? yearLabel : quarterLabel(q),
        width: 7,
        kind: 'count',
        cell: (i, at) => (j === 4 ? rowSum(at.row, at.column('ratings:0'), at.column('ratings:3'), of(now[i]!)) : of(now[i]!)),
        total: (at) => columnSum(at.column(`ratings:${j}`), at.first, at.last, of(total)),
      };
    }),
  };
  const satisfactionBlock: TableGroup = {
    label: t('exports.workbook.col.satisfactionRate'),
    columns: [...QUARTERS, 0].map((q): TableColumn => {
      const j = q === 0 ? 4 : q - 1;
      const of = (f: CommuneFigures) => (j === 4 ? rate(sumOf(f.satisfied), sumOf(f.ratings)) : rate(f.satisfied[j]!, f.ratings[j]!));
      return { key: `satisfaction:${j}`, label: q === 0 ? yearLabel : quarterLabel(q), width: 7, kind: 'percent', cell: (i) => of(now[i]!), total: () => of(total) };
    }),
  };
  await writeCommuneTable(wb, t, {
    sheetName: ctx.sheetName(t('exports.workbook.sheets.quarters')),
    title: t('exports.workbook.comparison.quartersTitle', { year: data.year }),
    note: note(ctx, t('exports.workbook.comparison.quartersNote')),
    rowNames: ctx.shown.map((g) => data.groups[g]!.name),
    totalLabel: ctx.totalLabel,
    groups: [reportBlock('received', t('exports.workbook.col.reports')), reportBlock('substantiated', t('exports.workbook.comparison.substantiatedReports')), ratingsBlock, satisfactionBlock],
  }, ctx.pacer);
}

async function writeYearOnYearSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, ctx: ComparisonContext, now: CommuneFigures[], total: CommuneFigures): Promise<void> {
  const { data, shown, t } = ctx;
  const before = shown.map((g) => communeFigures(data.previousFigures[g]!));
  const totalBefore = communeFigures(statistics.sumFigures(shown.map((g) => data.previousFigures[g]!)));
  const figuresNow = shown.map((g) => data.figures[g]!);
  const figuresBefore = shown.map((g) => data.previousFigures[g]!);
  const sumNow = statistics.sumFigures(figuresNow);
  const sumBefore = statistics.sumFigures(figuresBefore);
  const previousLabel = t('exports.workbook.comparison.year', { year: data.year - 1 });
  const currentLabel = t('exports.workbook.comparison.year', { year: data.year });

  /** Year before, this year, change — for a count (the change a formula) or a rate (the change in points). */
  const block = (key: string, label: string, kind: 'count' | 'percent', value: (f: statistics.UnitYearFigures, c: CommuneFigures) => number | '', suppressed?: ComparisonKey): TableGroup => {
    const previousCounts = suppressed ? reportCount(ctx, suppressed === 'received' ? 'previousReceived' : 'previousSubstantiated', 0) : null;
    const currentCounts = suppressed ? reportCount(ctx, suppressed, 4) : null;
    const beforeOf = (i: number | null) => (i === null ? value(sumBefore, totalBefore) : value(figuresBefore[i]!, before[i]!));
    const nowOf = (i: number | null) => (i === null ? value(sumNow, total) : value(figuresNow[i]!, now[i]!));
    const shownValue = (printed: unknown) => typeof printed === 'number' || (typeof printed === 'object' && printed !== null);
    const change = (i: number | null, at: CellAt, printedBefore: unknown, printedNow: unknown) => {
      const a = beforeOf(i);
      const b = nowOf(i);
      if (a === '' || b === '') return '';
      if (!shownValue(printedBefore) || !shownValue(printedNow)) return 'x';
      if (kind === 'percent') return b - a;
      return { formula: `${at.ref(`${key}:now`)}-${at.ref(`${key}:before`)}`, result: b - a } as ExcelJS.CellFormulaValue;
    };
    const printedBefore = (i: number) => {
      const n = beforeOf(i);
      return previousCounts && n !== '' ? previousCounts.cell(i, n) : n;
    };
    const printedNow = (i: number) => {
      const n = nowOf(i);
      return currentCounts && n !== '' ? currentCounts.cell(i, n) : n;
    };
    const totalBeforeCell = (at: CellAt) => {
      const n = beforeOf(null);
      if (kind === 'percent' || n === '') return n;
      return previousCounts ? previousCounts.total(at, `${key}:before`, n) : columnSum(at.column(`${key}:before`), at.first, at.last, n);
    };
    const totalNowCell = (at: CellAt) => {
      const n = nowOf(null);
      if (kind === 'percent' || n === '') return n;
      return currentCounts ? currentCounts.total(at, `${key}:now`, n) : columnSum(at.column(`${key}:now`), at.first, at.last, n);
    };
    return {
      label,
      columns: [
        { key: `${key}:before`, label: previousLabel, kind, cell: (i) => printedBefore(i), total: totalBeforeCell },
        { key: `${key}:now`, label: currentLabel, kind, cell: (i) => printedNow(i), total: totalNowCell },
        {
          key: `${key}:change`,
          label: t(kind === 'percent' ? 'exports.workbook.comparison.changePoints' : 'exports.workbook.comparison.change'),
          kind,
          cell: (i, at) => change(i, at, printedBefore(i), printedNow(i)),
          total: (at) => change(null, at, totalBeforeCell(at), totalNowCell(at)),
        },
      ],
    };
  };
  const share = (part: number, whole: number) => rate(part, whole);
  await writeCommuneTable(wb, t, {
    sheetName: ctx.sheetName(t('exports.workbook.sheets.yearOnYear')),
    title: t('exports.workbook.comparison.yearOnYearTitle', { year: data.year, previous: data.year - 1 }),
    note: note(ctx, t('exports.workbook.comparison.yearOnYearNote')),
    rowNames: shown.map((g) => data.groups[g]!.name),
    totalLabel: ctx.totalLabel,
    groups: [
      block('staff', t('exports.workbook.col.staff'), 'count', (f) => f.staff),
      block('fullyCompliant', t('exports.workbook.col.fullyCompliantShare'), 'percent', (f) => share(f.fullyCompliant, f.evaluatedStaff)),
      block('fulfilment', t('exports.workbook.col.complianceRate'), 'percent', (f) => {
        const x = fulfilment(f);
        return share(x.ok, x.all);
      }),
      block('received', t('exports.workbook.col.reports'), 'count', (_f, c) => sumOf(c.received), 'received'),
      block('substantiated', t('exports.workbook.comparison.substantiatedReports'), 'count', (_f, c) => sumOf(c.substantiated), 'substantiated'),
      block('satisfaction', t('exports.workbook.col.satisfactionRate'), 'percent', (_f, c) => share(sumOf(c.satisfied), sumOf(c.ratings))),
      block('late', t('exports.workbook.col.lateDossiers'), 'count', (f) => f.lateDossiers),
    ],
  }, ctx.pacer);
}

async function writeRemediesSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, ctx: ComparisonContext, now: CommuneFigures[], total: CommuneFigures): Promise<void> {
  const { data, shown, t } = ctx;
  const figures = shown.map((g) => data.figures[g]!);
  const sum = statistics.sumFigures(figures);
  const plain = (key: string, label: string, of: (i: number | null) => number): TableColumn => ({
    key,
    label,
    kind: 'count',
    width: 10,
    cell: (i) => of(i),
    total: (at) => columnSum(at.column(key), at.first, at.last, of(null)),
  });
  const counted = (key: string, label: string, suppressed: ComparisonKey, j: number, of: (i: number | null) => number): TableColumn => {
    const counts = reportCount(ctx, suppressed, j);
    return { key, label, kind: 'count', width: 10, cell: (i) => counts.cell(i, of(i)), total: (at) => counts.total(at, key, of(null)) };
  };
  const late = (i: number | null) => (i === null ? sum : figures[i]!).lateDossiers;
  const withoutSlip = (i: number | null) => (i === null ? sum : figures[i]!).apologyBreaches;
  const dossiers: TableGroup = {
    label: t('exports.workbook.col.dossiersGroup'),
    columns: [
      plain('late', t('exports.workbook.col.lateDossiers'), late),
      plain('withSlip', t('exports.workbook.comparison.withSlip'), (i) => late(i) - withoutSlip(i)),
      plain('withoutSlip', t('exports.workbook.col.apologyBreaches'), withoutSlip),
    ],
  };
  const reports: TableGroup = {
    label: t('exports.workbook.comparison.remediesGroup'),
    columns: [
      counted('substantiated', t('exports.workbook.comparison.substantiatedReports'), 'substantiated', 4, (i) => sumOf((i === null ? total : now[i]!).substantiated)),
      ...REMEDIES.map((kind, k) => counted(`remedy:${kind}`, t(`exports.workbook.remedy.${kind}`), 'remedy', k, (i) => (i === null ? total : now[i]!).remedies[k]!)),
    ],
  };
  const decisions: TableGroup = {
    label: t('exports.workbook.comparison.disciplineGroup'),
    columns: [counted('decisions', t('exports.workbook.comparison.decisions'), 'decisions', 0, (i) => (i === null ? sumOf(shown.map((g) => data.disciplineDecisions[g]!)) : data.disciplineDecisions[shown[i]!]!))],
  };
  await writeCommuneTable(wb, t, {
    sheetName: ctx.sheetName(t('exports.workbook.sheets.remedies')),
    title: t('exports.workbook.comparison.remediesTitle', { year: data.year }),
    note: note(ctx, t('exports.workbook.comparison.remediesNote')),
    rowNames: shown.map((g) => data.groups[g]!.name),
    totalLabel: ctx.totalLabel,
    groups: [dossiers, reports, decisions],
  }, ctx.pacer);
}
