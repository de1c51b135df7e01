import { recordsFilter, type RecordsOf } from '../shared/records-of.js';
import { RatingModel } from './model.js';

/** The year's ratings of a unit, as the statistics and the yearly workbooks count them. */
export function ratingsOfYear(of: RecordsOf, year: number) {
  return RatingModel.find({ ...recordsFilter(of), year }).select('unitId month satisfied level criteria officerId comment').lean();
}
