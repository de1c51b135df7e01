import type { Types } from 'mongoose';
import { ClassificationModel } from '../evaluations/model.js';
import { EvaluationResultModel, scoresOf } from '../evaluations/results-store.js';
import { LateDossierModel } from '../dossiers/model.js';
import { IncidentReportModel } from '../reports/model.js';
import { RatingModel } from '../satisfaction/model.js';
import { StaffModel } from '../staff/model.js';
import { COMMUNE_KINDS, type UnitKind } from '../units/model.js';
import type { UnitYearFigures } from './model.js';

// The one place that reads other features' records for the statistics (issue 9 turns these into their public reads).
// Every query is an equality on indexed top-level fields and returns one reporting unit's records of one year.

export interface ReportingUnit {
  _id: Types.ObjectId;
  path: Types.ObjectId[];
  kind: UnitKind;
  name: string;
}

/** A commune owns everything under it; any other reporting unit owns only what sits on it directly. */
function ownedBy(unit: ReportingUnit): Record<string, unknown> {
  return COMMUNE_KINDS.includes(unit.kind) ? { unitPath: unit._id } : { unitId: unit._id };
}

const bump = (map: Record<string, number>, key: string | number, by = 1) => (map[key] = (map[key] ?? 0) + by);

export async function computeOwnFigures(unit: ReportingUnit, year: number): Promise<UnitYearFigures> {
  const owned = ownedBy(unit);
  const [staff, results, reports, ratings, classes, dossiers] = await Promise.all([
    StaffModel.find({ ...owned, active: true }).select('birthYear').lean(),
    EvaluationResultModel.find({ reportingUnitId: unit._id, year }).select('staffId periodKey finalised criteria scores').lean(),
    IncidentReportModel.find({ ...owned, year }).select('month status criterionCodes substantiated staffId').lean(),
    RatingModel.find({ ...owned, year }).select('month satisfied').lean(),
    ClassificationModel.find({ reportingUnitId: unit._id, year }).select('level').lean(),
    LateDossierModel.find({ ...owned, year }).select('breachesApology').lean(),
  ]);

  const figures: UnitYearFigures = {
    staff: staff.length,
    under40: staff.filter((s) => year - s.birthYear < 40).length,
    periods: {},
    results: {},
    evaluatedStaff: 0,
    fullyCompliant: 0,
    reports: {},
    reportsByCriterion: {},
    ratings: {},
    classification: {},
    lateDossiers: dossiers.length,
    apologyBreaches: dossiers.reduce((n, d) => n + (d.breachesApology ?? 0), 0),
  };

  const breachesByStaff = new Map<string, number>();
  for (const r of results) {
    const p = (figures.periods[r.periodKey] ??= { total: 0, finalised: 0 });
    p.total++;
    if (!r.finalised) continue;
    p.finalised++;
    let breaches = 0;
    for (const { criterionCode, score } of scoresOf(r)) {
      const c = (figures.results[criterionCode] ??= { ok: 0, all: 0 });
      c.all++;
      if (score > 0) c.ok++;
      else breaches++;
    }
    const id = String(r.staffId);
    breachesByStaff.set(id, (breachesByStaff.get(id) ?? 0) + breaches);
  }

  const withIncidents = new Set<string>();
  for (const r of reports) {
    bump((figures.reports[r.month] ??= {}), r.status);
    for (const code of r.criterionCodes ?? []) bump(figures.reportsByCriterion, code);
    if (r.substantiated && r.staffId) withIncidents.add(String(r.staffId));
  }
  figures.evaluatedStaff = breachesByStaff.size;
  for (const [id, breaches] of breachesByStaff) if (breaches === 0 && !withIncidents.has(id)) figures.fullyCompliant++;

  for (const r of ratings) {
    const m = (figures.ratings[r.month] ??= { total: 0, satisfied: 0 });
    m.total++;
    m.satisfied += r.satisfied;
  }
  for (const c of classes) bump(figures.classification, c.level);
  return figures;
}
