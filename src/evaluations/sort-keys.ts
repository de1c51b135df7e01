import type { Types } from 'mongoose';
import { mapLimited } from '../shared/batches.js';
import { ClassificationModel, EvaluationModel } from './model.js';
import { EvaluationResultModel } from './record-model.js';

/**
 * Gives a person's evaluations, result records and classifications their new sort key: one equality update per
 * person and collection (`staffId`, pushed down by FerretDB). Rosters read the order from the records.
 */
export async function storePeopleSortKeys(keys: readonly { staffId: Types.ObjectId; sortKey: string }[]): Promise<number> {
  await mapLimited(keys, 4, async ({ staffId, sortKey }) => {
    const set = { $set: { sortKey } };
    await EvaluationModel.updateMany({ staffId }, set);
    await EvaluationResultModel.updateMany({ staffId }, set);
    await ClassificationModel.updateMany({ staffId }, set);
  });
  return keys.length;
}
