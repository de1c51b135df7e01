import type { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import { DataRequestModel, type DataRequest, type RequestKind } from './model.js';
import { assertProvinceAdmin, DEADLINE_FIELD, provinceIds, retentionSettings } from './settings.js';

/**
 * The register of data-subject requests. Each kind's deadline, in hours from receipt, is a setting (settings.ts,
 * default 72). What could be confirmed (December 2026, from law firms' and the press's commentaries, not from the
 * official text): Decree 13/2023/NĐ-CP required requests to be carried out within 72 hours of receipt; Decree
 * 356/2025/NĐ-CP (31/12/2025, guiding Law 91/2025/QH15, in force 1/1/2026) replaced it, asking for a reply within 2
 * working days and the request carried out within days that depend on its kind (15 days for withdrawing consent,
 * restriction or objection; 20 when a processor or third party must act; one extension of up to 15 days). The days
 * for access, correction and deletion under Decree 356 were not confirmed: the province sets them. The audit log
 * records the request's kind, dates and status, never who asked or what they wrote.
 */
export const AUDIT_TYPE = 'dataRequest';

export interface NewRequest {
  kind: RequestKind;
  requesterName: string;
  contact?: string;
  details?: string;
  receivedAt: Date;
}

export interface RequestRow {
  id: string;
  kind: RequestKind;
  requesterName: string;
  contact: string;
  details: string;
  receivedAt: Date;
  dueAt: Date;
  status: DataRequest['status'];
  answer: string;
  handledByName: string;
  handledAt: Date | null;
  overdue: boolean;
}

const auditView = (r: Pick<DataRequest, 'kind' | 'receivedAt' | 'dueAt' | 'status'>) => ({ kind: r.kind, receivedAt: r.receivedAt, dueAt: r.dueAt, status: r.status });

export async function listRequests(actor: Actor, now = new Date()): Promise<RequestRow[]> {
  await assertProvinceAdmin(actor);
  const rows = await DataRequestModel.find({}).sort({ receivedAt: -1 }).lean<DataRequest[]>();
  return rows.map((r) => ({
    id: String(r._id),
    kind: r.kind as RequestKind,
    requesterName: r.requesterName,
    contact: r.contact,
    details: r.details,
    receivedAt: r.receivedAt,
    dueAt: r.dueAt,
    status: r.status,
    answer: r.answer,
    handledByName: r.handledByName,
    handledAt: r.handledAt ?? null,
    overdue: r.status === 'RECEIVED' && r.dueAt.getTime() < now.getTime(),
  }));
}

/**
 * The register's own retention: requests handled (done or refused) before `handledBefore` are deleted, whoever asked
 * and what they wrote with them; open requests stay, whatever their age. One equality per closed status.
 */
export async function deleteRequestsHandledBefore(handledBefore: Date): Promise<number> {
  let deleted = 0;
  for (const status of ['DONE', 'REFUSED'] as const) {
    deleted += (await DataRequestModel.deleteMany({ status, handledAt: { $lt: handledBefore } })).deletedCount ?? 0;
  }
  return deleted;
}

export async function recordRequest(actor: Actor, input: NewRequest): Promise<Types.ObjectId> {
  await assertProvinceAdmin(actor);
  const hours = (await retentionSettings())[DEADLINE_FIELD[input.kind]];
  const dueAt = new Date(input.receivedAt.getTime() + hours * 3600_000);
  const doc = await DataRequestModel.create({ ...input, contact: input.contact ?? '', details: input.details ?? '', dueAt, recordedByName: actor.displayName });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: doc._id, action: 'create', after: auditView(doc), unitPath: await provinceIds() });
  return doc._id;
}

/** Done or refused, with the answer given; once only (a handled request is not handled again). */
export async function handleRequest(actor: Actor, id: string, input: { status: 'DONE' | 'REFUSED'; answer: string }, now = new Date()): Promise<void> {
  await assertProvinceAdmin(actor);
  const found = isId(id) ? await DataRequestModel.findById(id).lean<DataRequest>() : null;
  if (!found) throw new NotFound();
  const write = await DataRequestModel.updateOne(
    { _id: found._id, status: 'RECEIVED' },
    { $set: { status: input.status, answer: input.answer, handledById: actor.userId, handledByName: actor.displayName, handledAt: now } },
  );
  if (write.modifiedCount !== 1) throw new Conflict('privacy.requests.alreadyHandled');
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: found._id, action: 'update', before: auditView(found), after: { ...auditView(found), status: input.status }, unitPath: await provinceIds() });
}
