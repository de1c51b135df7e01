import type { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import { accountDataOfStaff, type Actor } from '../auth/index.js';
import { decisionsAboutPerson } from '../discipline/index.js';
import { classificationsOfPerson, evaluationsOfPerson } from '../evaluations/index.js';
import { casesForSubject } from '../incidents/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import { staffByCodeOrId, staffMember, staffRecordOf } from '../staff/index.js';
import { unitsByIds } from '../units/index.js';
import { DataRequestModel, type DataRequest } from './model.js';
import { assertProvinceAdmin } from './settings.js';

/**
 * A staff member's right of access (Law 91/2025/QH15 and Decree 356/2025/NĐ-CP, which replaced Decree 13/2023/NĐ-CP): one JSON file with what the app
 * holds about them, each feature giving its part through its own door — their staff record and the units they worked
 * in, their login accounts (never the password hash or two-factor secrets), evaluations, classifications, discipline
 * decisions, the cases about them as the subject sees them (never who reported, nothing a reporter wrote), and their
 * own actions in the audit log (fields changed, not values). JSON, not a workbook: the data is nested (an evaluation's
 * ratings, a case's requests), JSON keeps it whole and machine-readable, which is what the right is for, and any
 * browser shows it. Every download is audited, without its content.
 */
export const FORMAT = 'congboc-subject-access/1';

export interface SubjectAccessFile {
  format: string;
  generatedAt: Date;
  legalBasis: string;
  omitted: string;
  person: Record<string, unknown> | null;
  accounts: unknown[];
  evaluations: unknown[];
  classifications: unknown[];
  disciplineDecisions: unknown[];
  casesAboutYou: unknown[];
  auditEntriesAsActor: unknown[];
}

async function assemble(staffId: Types.ObjectId, now: Date): Promise<SubjectAccessFile> {
  const record = await staffRecordOf(staffId);
  if (!record) throw new NotFound();
  const accounts = await accountDataOfStaff(staffId);
  const unitIds = [record.unitId, ...record.unitHistory.map((h) => h.unitId), ...accounts.flatMap((a) => a.roles.map((g) => g.unitId))];
  const names = new Map((await unitsByIds(unitIds)).map((u) => [String(u._id), u.name]));
  const unitName = (id: Types.ObjectId) => names.get(String(id)) ?? '';
  return {
    format: FORMAT,
    generatedAt: now,
    legalBasis: 'Quyền truy cập dữ liệu cá nhân: Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15; Nghị định 356/2025/NĐ-CP (thay thế Nghị định 13/2023/NĐ-CP)',
    omitted:
      'Không gồm: mật khẩu (mã băm), khoá đăng nhập hai bước, mã khôi phục; danh tính, lời kể, tin nhắn, tệp chứng cứ của người phản ánh, tố cáo; ghi chú nội bộ; giá trị trong nhật ký thao tác (chỉ tên trường). ' +
      'Not included: password hash, two-factor secret and recovery codes; reporters\' identity, words, messages and evidence; internal notes; values in the audit log (field names only).',
    person: { ...record, unitName: unitName(record.unitId), unitHistory: record.unitHistory.map((h) => ({ ...h, unitName: unitName(h.unitId) })) },
    accounts: accounts.map((a) => ({ ...a, roles: a.roles.map((g) => ({ ...g, unitName: unitName(g.unitId) })) })),
    evaluations: await evaluationsOfPerson(staffId),
    classifications: await classificationsOfPerson(staffId),
    disciplineDecisions: await decisionsAboutPerson(staffId),
    casesAboutYou: await casesForSubject(staffId),
    auditEntriesAsActor: await audit.entriesByActor(accounts.map((a) => a.id)),
  };
}

async function recordDownload(actor: Actor, staffId: Types.ObjectId, unitPath: Types.ObjectId[], after: Record<string, unknown>): Promise<void> {
  await audit.record({ actor, objectType: 'staff', objectId: staffId, action: 'subjectAccessExport', after, unitPath });
}

/** The signed-in staff member's own file (403 for an account linked to no staff record). */
export async function ownSubjectAccessFile(actor: Actor, now = new Date()): Promise<SubjectAccessFile> {
  if (!actor.staffId) throw new Forbidden('privacy.access.noStaffRecord');
  const person = await staffMember(actor.staffId);
  if (!person) throw new Forbidden('privacy.access.noStaffRecord');
  const file = await assemble(actor.staffId, now);
  await recordDownload(actor, actor.staffId, person.unitPath, { by: 'self' });
  return file;
}

/**
 * The same file, produced by a province administrator for an ACCESS request in the register, for the staff member
 * named by employee code or record id (in a province they administer).
 */
export async function subjectAccessFileForRequest(actor: Actor, requestId: string, staffText: string, now = new Date()): Promise<SubjectAccessFile> {
  const provinces = await assertProvinceAdmin(actor);
  const request = isId(requestId) ? await DataRequestModel.findById(requestId).select('kind').lean<Pick<DataRequest, '_id' | 'kind'>>() : null;
  if (!request) throw new NotFound();
  if (request.kind !== 'ACCESS') throw new Conflict('privacy.access.notAccess');
  const person = await staffByCodeOrId(staffText);
  if (!person) throw new ValidationFailed({ staff: 'privacy.access.staffNotFound' });
  if (!provinces.some((p) => person.unitPath.some((u) => String(u) === String(p._id)))) throw new Forbidden();
  const file = await assemble(person._id, now);
  await recordDownload(actor, person._id, person.unitPath, { by: 'request', requestId: String(request._id) });
  return file;
}

/** The file's name: the day only, nothing about the person (it may sit in a shared downloads folder). */
export const subjectAccessFileName = (file: SubjectAccessFile) => `du-lieu-ca-nhan-${file.generatedAt.toISOString().slice(0, 10)}.json`;
