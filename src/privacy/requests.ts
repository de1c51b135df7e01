import type { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import { DataRequestModel, type DataRequest, type RequestKind } from './model.js';
import { assertProvinceAdmin, provinceIds } from './settings.js';

/**
 * The register of data-subject requests. The deadline is 72 hours from receipt for each kind: Decree 13/2023/NĐ-CP
 * Art. 14(3) (access: "trong thời gian 72 giờ sau khi có yêu cầu"), Art. 15 (correction), Art. 16(4) (deletion) and
 * Art. 9(7) (restriction). The audit log records the request's kind, dates and status, never who asked or what they wrote.
 */
export const RESPONSE_HOURS = 72;
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
  const dueAt = new Date(input.receivedAt.getTime() + RESPONSE_HOURS * 3600_000);
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
