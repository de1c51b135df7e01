import { recordsFilter, type RecordsOf } from '../shared/records-of.js';
import { LateDossierModel } from './model.js';

/** The year's late dossiers of a unit, as the statistics count them. */
export function lateDossiersOfYear(of: RecordsOf, year: number) {
  return LateDossierModel.find({ ...recordsFilter(of), year }).select('breachesApology').lean();
}
