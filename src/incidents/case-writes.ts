import type { Types, UpdateQuery } from 'mongoose';
import { oneWriterPerDocument } from '../db/one-writer.js';
import { IncidentReportModel, type IncidentReport } from './model.js';

/**
 * Every update of a case goes through here, one writer per case at a time (db/one-writer.ts): a guard such as the
 * version the handler saw holds on FerretDB too, and a reporter's message cannot drop a handler's note.
 */
export function updateCase(filter: { _id: Types.ObjectId } & Record<string, unknown>, update: UpdateQuery<IncidentReport>) {
  return oneWriterPerDocument(IncidentReportModel, filter._id, () => IncidentReportModel.updateOne(filter, update));
}
