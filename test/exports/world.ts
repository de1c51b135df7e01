import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { CodeVersionModel } from '../../src/conduct-code/model.js';
import { officialCatalogue } from '../../src/conduct-code/official.js';
import { ClassificationModel, EvaluationModel, PeriodModel, type ClassificationLevel } from '../../src/evaluations/model.js';
import { saveResultRecord } from '../../src/evaluations/results-store.js';
import { IncidentReportModel, type ReportStatus } from '../../src/incidents/model.js';
import { RatingModel, type RatingLevel } from '../../src/satisfaction/model.js';
import type { Staff } from '../../src/staff/model.js';
import type { Unit } from '../../src/units/model.js';
import { makeProvince, makeStaff } from '../helpers/factories.js';

export const CODES = officialCatalogue.criteria.map((c) => c.code);
const SCORE = { GOOD: 2, DONE: 1, NOT_DONE: 0 } as const;
type Level3 = keyof typeof SCORE;

/** A province, two communes, a desk, the official code (version 1) and monthly periods of the year. */
export async function exportWorld(year = 2026) {
  const units = await makeProvince();
  const code = await CodeVersionModel.create({
    provinceId: units.province._id,
    versionNumber: 1,
    title: 'Bộ quy tắc ứng xử',
    effectiveFrom: new Date(Date.UTC(2024, 0, 1)),
    groups: officialCatalogue.groups.map((g) => ({ ...g, name: { ...g.name } })),
    criteria: officialCatalogue.criteria.map((c) => ({ ...c, name: { ...c.name }, plainLabel: { ...c.plainLabel } })),
  });
  const periods = [];
  for (let m = 1; m <= 12; m++) {
    const key = `${year}-${String(m).padStart(2, '0')}`;
    periods.push(
      await PeriodModel.create({
        provinceId: units.province._id,
        unitId: units.province._id,
        unitPath: units.province.path,
        unitName: units.province.name,
        kind: 'monthly',
        periodKey: key,
        year,
        startDate: new Date(Date.UTC(year, m - 1, 1)),
        endDate: new Date(Date.UTC(year, m, 0)),
        deadline: new Date(Date.UTC(year, m, 5)),
        status: 'CLOSED',
        codeVersionId: code._id,
        codeVersionNumber: 1,
      }),
    );
  }
  return { ...units, code, periods, year };
}
export type ExportWorld = Awaited<ReturnType<typeof exportWorld>>;

/** Levels per criterion code; unnamed criteria are rated GOOD. */
export async function evaluate(w: ExportWorld, staff: Staff, month: number, levels: Partial<Record<string, Level3>> = {}, opts: { finalised?: boolean; commune?: Unit } = {}) {
  const period = w.periods[month - 1]!;
  const finalised = opts.finalised ?? true;
  const results = finalised
    ? CODES.map((code) => {
        const level = levels[code] ?? 'GOOD';
        return { criterionCode: code, score: SCORE[level], good: level === 'GOOD' ? 1 : 0, done: level === 'DONE' ? 1 : 0, breached: level === 'NOT_DONE' ? 1 : 0 };
      })
    : [];
  const evaluation = await EvaluationModel.create({
    periodId: period._id,
    periodKey: period.periodKey,
    periodKind: 'monthly',
    periodStart: period.startDate,
    year: w.year,
    codeVersionId: w.code._id,
    staffId: staff._id,
    staffName: staff.fullName,
    sortKey: staff.sortKey,
    position: staff.position,
    unitId: staff.unitId,
    unitPath: staff.unitPath,
    reportingUnitId: (opts.commune ?? w.communeA)._id,
    status: finalised ? 'FINALISED' : 'SELF_ASSESSED',
    results,
    totalScore: results.reduce((n, r) => n + r.score, 0),
    maxScore: results.length * 2,
    breachedCount: results.reduce((n, r) => n + r.breached, 0),
    finalised: finalised ? 1 : 0,
    evaluated: finalised ? 1 : 0,
  });
  // The service writes the export's compact copy after every evaluation write; this factory does the same.
  await saveResultRecord(evaluation.toObject());
  return evaluation;
}

export async function classify(w: ExportWorld, staff: Staff, level: ClassificationLevel, commune: Unit = w.communeA) {
  return ClassificationModel.create({
    staffId: staff._id,
    staffName: staff.fullName,
    sortKey: staff.sortKey,
    unitId: staff.unitId,
    unitPath: staff.unitPath,
    reportingUnitId: commune._id,
    year: w.year,
    ruleSetId: 'test',
    level,
    decidedBy: new Types.ObjectId(),
    decidedAt: new Date(Date.UTC(w.year, 11, 10)),
  });
}

let caseCounter = 0;
export async function report(
  w: ExportWorld,
  input: { commune?: Unit; staff?: Staff | null; criteria: string[]; confirmed?: string[]; status?: ReportStatus; month?: number; day?: number; letterSentAt?: Date; excludedUserIds?: Types.ObjectId[]; remedies?: ('APOLOGY' | 'REMINDER_TRAINING')[]; receivedAt?: Date },
) {
  const commune = input.commune ?? w.communeA;
  const month = input.month ?? 3;
  const at = new Date(Date.UTC(w.year, month - 1, input.day ?? 10));
  const status = input.status ?? 'RECEIVED';
  const substantiated = ['SUBSTANTIATED', 'PARTLY_SUBSTANTIATED', 'RESOLVED'].includes(status) && (input.confirmed?.length ?? 0) > 0;
  return IncidentReportModel.create({
    caseNumber: `PA-${w.year}-${String(++caseCounter).padStart(6, '0')}`,
    trackingHash: crypto.randomBytes(16).toString('hex'),
    source: 'CITIZEN',
    kind: 'PHAN_ANH',
    anonymous: true,
    provinceId: w.province._id,
    reportingUnitId: commune._id,
    unitId: commune._id,
    unitPath: commune.path,
    unitName: commune.name,
    staffId: input.staff?._id ?? null,
    staffName: input.staff?.fullName ?? '',
    criterionCodes: input.criteria,
    confirmedCriterionCodes: input.confirmed ?? [],
    occurredAt: at,
    description: 'Thái độ không đúng mực',
    receivedAt: input.receivedAt ?? at,
    year: w.year,
    month,
    periodKey: `${w.year}-${String(month).padStart(2, '0')}`,
    status,
    handlerUnitId: commune._id,
    handlerUnitPath: commune.path,
    stageStartedAt: at,
    substantiated,
    substantiatedFlag: substantiated ? 1 : 0,
    remedies: (input.remedies ?? []).map((kind) => ({ kind, at, byName: 'Trưởng xã' })),
    letterSentAt: input.letterSentAt ?? null,
    excludedUserIds: input.excludedUserIds ?? [],
  });
}

export async function rate(desk: Unit, month: number, year: number, satisfied: number, unsatisfied: number) {
  const docs = [];
  for (let i = 0; i < satisfied + unsatisfied; i++) {
    const level: RatingLevel = i < satisfied ? 'SATISFIED' : 'DISSATISFIED';
    docs.push({ unitId: desk._id, unitPath: desk.path, level, scale: 3, ratedAt: new Date(Date.UTC(year, month - 1, 15, 3)) });
  }
  await RatingModel.insertMany(docs);
}

export async function person(fullName: string, unit: Unit, birthYear = 1990) {
  return makeStaff({ fullName, unit, birthYear });
}
