import mongoose from 'mongoose';
import { upserting } from '../db/errors.js';

/**
 * Start-up data fixes that need to run once per database (a field added to older records): a marker per fix, so a
 * later start skips the scan that finding the records would cost. Fixes must be idempotent — two processes starting
 * together may both run one.
 */

const markerSchema = new mongoose.Schema({ _id: { type: String, required: true }, doneAt: { type: Date, required: true } }, { versionKey: false });
const MarkerModel = mongoose.model('DataFix', markerSchema, 'datafixes');

export async function once(name: string, fix: () => Promise<number>): Promise<number | 'done before'> {
  if (await MarkerModel.exists({ _id: name })) return 'done before';
  const changed = await fix();
  await upserting((upsert) => MarkerModel.updateOne({ _id: name }, { $set: { doneAt: new Date() } }, { upsert }));
  return changed;
}
