import { coversUnit, scopeRoots, type Actor } from '../auth/index.js';
import { criteriaOfYear } from '../conduct-code/index.js';
import { documentNumberSuffix, issuingBodyOf, officialReportDocx, placeNameOf, signingTitles, type IssuingBody, type OfficialReportData, type ReportBlock } from '../letters/index.js';
import * as statistics from '../statistics/index.js';
import { vietnamDay } from '../shared/dates.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import { compareVietnamese } from '../shared/text.js';
import { COMMUNE_KINDS, findUnitOr404, isCommuneLevel, unitsUnder, type UnitInfo } from '../units/index.js';
import type { ReportInput } from './schemas.js';
import { isWholeYear, monthsOfPeriodKey, piecesLabel, previousWindow, windowLabel, windowOf, type ReportWindow } from './window.js';
import * as words from './wording.js';
import type { WindowFigures } from './wording.js';

export type ReportKind = 'PROVINCE' | 'COMMUNE';
type Figures = statistics.UnitYearFigures;

/** A commune's report is for its head (or the province above); the province's is for its administrators only. */
export function assertCanReport(actor: Actor, unit: Pick<UnitInfo, 'kind' | 'path' | 'parentId'>): ReportKind {
  const kind: ReportKind | null = unit.kind === 'province' && !unit.parentId ? 'PROVINCE' : COMMUNE_KINDS.includes(unit.kind) ? 'COMMUNE' : null;
  if (!kind) throw new ValidationFailed({ unit: 'complianceReport.errors.unitKind' });
  if (kind === 'PROVINCE' && !coversUnit(actor, unit.path, 'admin')) throw new Forbidden('complianceReport.errors.provinceAdminOnly');
  if (kind === 'COMMUNE' && !coversUnit(actor, unit.path, 'head', 'admin')) throw new Forbidden();
  return kind;
}

/** Units the actor may report on: the province for administrators, and the communes they head or oversee. */
export async function reportableUnits(actor: Actor): Promise<{ id: string; name: string; kind: ReportKind }[]> {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const out: { id: string; name: string; kind: ReportKind }[] = [];
  for (const u of await unitsUnder(roots)) {
    if (u.kind === 'province' && !u.parentId && coversUnit(actor, u.path, 'admin')) out.push({ id: String(u._id), name: u.name, kind: 'PROVINCE' });
    else if (COMMUNE_KINDS.includes(u.kind)) out.push({ id: String(u._id), name: u.name, kind: 'COMMUNE' });
  }
  return out.sort((a, b) => (a.kind === b.kind ? compareVietnamese(a.name, b.name) : a.kind === 'PROVINCE' ? -1 : 1));
}

// ---------- figures of a window, from the statistics read model ----------

export type { WindowFigures } from './wording.js';

const inWindow = (w: ReportWindow, month: number | string) => Number(month) >= w.from && Number(month) <= w.to;

/** Sums the figures of the months of the window pieces (each piece within one year, its year's figures given). */
export function windowFigures(pieces: { window: ReportWindow; figures: Figures }[]): WindowFigures {
  const out: WindowFigures = { year: pieces[pieces.length - 1]!.figures, ratings: { total: 0, satisfied: 0 }, reports: 0, byStatus: {}, substantiated: 0, remedies: {}, evaluations: { total: 0, finalised: 0 } };
  for (const { window: w, figures: f } of pieces) {
    for (const [m, r] of Object.entries(f.ratings)) if (inWindow(w, m)) { out.ratings.total += r.total; out.ratings.satisfied += r.satisfied; }
    for (const [m, byStatus] of Object.entries(f.reports)) {
      if (!inWindow(w, m)) continue;
      for (const [s, n] of Object.entries(byStatus)) { out.byStatus[s] = (out.byStatus[s] ?? 0) + n; out.reports += n; }
    }
    for (const [m, n] of Object.entries(f.substantiatedByMonth ?? {})) if (inWindow(w, m)) out.substantiated += n;
    for (const [m, byKind] of Object.entries(f.remediesByMonth ?? {})) if (inWindow(w, m)) for (const [k, n] of Object.entries(byKind)) out.remedies[k] = (out.remedies[k] ?? 0) + n;
    // An evaluation period counts when all its months lie in the window (a yearly period only in a whole-year window).
    for (const [key, p] of Object.entries(f.periods)) {
      const months = monthsOfPeriodKey(key);
      if (months && months.year === w.year && months.from >= w.from && months.to <= w.to) { out.evaluations.total += p.total; out.evaluations.finalised += p.finalised; }
    }
  }
  return out;
}

// ---------- the document ----------

export interface ReportOptions {
  suppressBelow: number;
  today?: Date;
}

export interface BuiltReport {
  buffer: Buffer;
  fileName: string;
  data: OfficialReportData;
}

const asciiName = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();

export async function buildReport(actor: Actor, input: ReportInput, opts: ReportOptions): Promise<BuiltReport> {
  const unit = await findUnitOr404(input.unit);
  const kind = assertCanReport(actor, unit);
  const w = windowOf(input.window, input.year, input.fromMonth, input.toMonth);
  const province = kind === 'PROVINCE' ? unit : await findUnitOr404(unit.path[0]!);
  const prev = previousWindow(w);
  const years = [...new Set([w.year, ...prev.map((p) => p.year)])];
  const perYear = new Map<number, statistics.ReportingUnitFigures[]>();
  for (const y of years) perYear.set(y, await statistics.figuresUnder(unit, y));
  const criteria = await criteriaOfYear(province._id, w.year);
  const sum = (y: number) => statistics.sumFigures((perYear.get(y) ?? []).map((u) => u.figures));
  const current = windowFigures([{ window: w, figures: sum(w.year) }]);
  const previous = windowFigures(prev.map((p) => ({ window: p, figures: sum(p.year) })));

  const issuer: IssuingBody = kind === 'PROVINCE' ? { name: `Sở Nội vụ ${lowerFirst(province.name)}`, kind: 'unit' } : issuingBodyOf(unit);
  const [headTitle, deputyTitle] = signingTitles(issuer);
  // Published figures: the province's report suppresses small report counts as the province workbook does; a
  // commune's report goes to the province, as its workbook, with exact counts.
  const threshold = kind === 'PROVINCE' ? opts.suppressBelow : 0;
  const communes = kind === 'PROVINCE' ? (perYear.get(w.year) ?? []).filter((u) => isCommuneLevel(u.kind)).sort((a, b) => compareVietnamese(a.unitName, b.unitName)) : [];
  const communeFigures = communes.map((c) => ({ name: words.communeLabel(c), figures: windowFigures([{ window: w, figures: c.figures }]) }));
  const substantiatedHidden = kind === 'PROVINCE' && words.substantiatedGivesAway(threshold, current.substantiated, communeFigures.map((c) => c.figures.substantiated));
  const ctx: words.Context = { window: w, label: windowLabel(w), previousLabel: piecesLabel(prev), wholeYear: isWholeYear(w), threshold, kind, unitName: unit.name, substantiatedHidden, mergedNames: kind === 'COMMUNE' ? words.mergedNames((perYear.get(w.year) ?? []).flatMap((u) => u.includes ?? [])) : '' };
  const blocks: ReportBlock[] = [
    ...words.introduction(ctx),
    ...words.staffSection(ctx, current.year),
    ...words.evaluationSection(ctx, current),
    ...words.criteriaSection(ctx, current.year, criteria),
    ...words.reportsSection(ctx, current),
    ...words.dossiersSection(ctx, current.year),
    ...words.satisfactionSection(ctx, current),
    ...words.comparisonSection(ctx, current, previous),
    ...(kind === 'PROVINCE' ? words.attentionSection(ctx, communeFigures) : []),
    ...words.closing(ctx),
  ];
  const number = input.number ? `${input.number.padStart(2, '0')}/${documentNumberSuffix('BC', issuer)}` : `…../${documentNumberSuffix('BC', issuer)}`;
  const data: OfficialReportData = {
    issuer,
    parentName: kind === 'PROVINCE' ? `Ủy ban nhân dân ${lowerFirst(province.name)}` : undefined,
    documentNumber: number,
    placeName: placeNameOf(kind === 'PROVINCE' ? province.name : unit.name),
    date: opts.today ?? vietnamDay(),
    documentType: 'Báo cáo',
    summary: words.summaryLines(ctx),
    blocks,
    copyTo: kind === 'PROVINCE' ? ['Bộ Nội vụ (để b/c);', `UBND ${lowerFirst(province.name)} (để b/c);`, 'UBND các xã, phường;', 'Lưu: VT.'] : [`Sở Nội vụ ${lowerFirst(province.name)} (để b/c);`, 'Lưu: VT.'],
    signerTitle: input.signerRole === 'deputy' ? deputyTitle : headTitle,
    signerName: input.signerName,
  };
  const buffer = await officialReportDocx(data);
  const fileName = `bao-cao-quy-tac-ung-xu-${asciiName(unit.name)}-${w.year}${isWholeYear(w) ? '' : `-t${w.from}-${w.to}`}.docx`;
  return { buffer, fileName, data };
}

const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
