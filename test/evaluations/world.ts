import { Types } from 'mongoose';
import { officialCatalogue } from '../../src/code/official.js';
import { UserModel } from '../../src/auth/model.js';
import { EvaluationModel, type Evaluation } from '../../src/evaluations/model.js';
import { actorOf } from '../../src/auth/service.js';
import { makeProvince, makeStaff, makeUser } from '../helpers/factories.js';
import { makeCodeVersion } from '../helpers/factories.js';
import { submitForm, type Agent } from '../helpers/app.js';
import { idle as periodJobsIdle } from '../../src/evaluations/jobs.js';

export const CODES = officialCatalogue.criteria.map((c) => c.code);

export const publishCode = makeCodeVersion;

/** A province with two communes, its code, an administrator, a head per commune and staff with logins. */
export async function makeWorld() {
  const units = await makeProvince();
  const code = await publishCode(units.province);
  const admin = await makeUser({ displayName: 'Quản trị Sở Nội vụ', roles: [{ role: 'admin', unit: units.province }] });
  const chairA = await makeStaff({ fullName: 'Lò Văn Phích', unit: units.communeA, position: 'Chủ tịch UBND xã' });
  const headA = await makeUser({ displayName: 'Lò Văn Phích', roles: [{ role: 'head', unit: units.communeA }, { role: 'staff', unit: units.communeA }], staffId: chairA._id });
  const headB = await makeUser({ displayName: 'Giàng A Dế', roles: [{ role: 'head', unit: units.communeB }] });
  const lan = await makeStaff({ fullName: 'Quàng Thị Lan', unit: units.deskA, position: 'Công chức một cửa' });
  const lanUser = await makeUser({ displayName: 'Quàng Thị Lan', roles: [{ role: 'staff', unit: units.communeA }], staffId: lan._id });
  await UserModel.updateOne({ _id: lanUser._id }, { $set: { email: 'lan@thanhnua.example.vn' } });
  const binh = await makeStaff({ fullName: 'Lường Văn Bình', unit: units.communeA });
  const mai = await makeStaff({ fullName: 'Vàng Thị Mai', unit: units.communeB });
  const maiUser = await makeUser({ displayName: 'Vàng Thị Mai', roles: [{ role: 'staff', unit: units.communeB }], staffId: mai._id });
  await makeStaff({ fullName: 'Người Đã Nghỉ', unit: units.communeA, active: false });
  return { ...units, code, admin, headA, headB, chairA, lan, lanUser, binh, mai, maiUser };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

export const asActor = async (userId: Types.ObjectId) => actorOf((await UserModel.findById(userId).lean())!);

export function allRated(level: string, extra: Record<string, Record<string, string>> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const code of CODES) {
    fields[`ratings[${code}][level]`] = level;
    for (const [k, v] of Object.entries(extra[code] ?? {})) fields[`ratings[${code}][${k}]`] = v;
  }
  return fields;
}

export async function evaluationOf(staffId: Types.ObjectId): Promise<Evaluation> {
  return (await EvaluationModel.findOne({ staffId }).sort({ periodStart: -1 }).lean()) as Evaluation;
}

/** Creates and opens a period through the pages, as the signed-in agent; returns its id. */
export async function openPeriodVia(agent: Agent, fields: { unitId: string; kind?: string; year?: string; number?: string; deadline?: string }): Promise<string> {
  const created = await submitForm(agent, '/evaluations/periods/new', '/evaluations/periods', {
    kind: 'quarterly',
    year: '2026',
    number: '1',
    deadline: '15/04/2026',
    ...fields,
  });
  if (created.status !== 302) throw new Error(`period not created: ${created.status} ${created.text.slice(0, 2000)}`);
  const periodPath = created.headers.location as string;
  const opened = await submitForm(agent, periodPath, `${periodPath}/open`, {});
  if (opened.status !== 303) throw new Error(`period not opened: ${opened.status}`);
  await finishJob(agent, opened.headers.location as string, periodPath);
  return periodPath.split('/').pop()!;
}

/** Waits for the background job a POST redirected to, then follows its page back to the period. */
export async function finishJob(agent: Agent, jobPath: string, periodPath: string): Promise<void> {
  if (!/\/jobs\/[0-9a-f]{24}$/.test(jobPath)) throw new Error(`not a job page: ${jobPath}`);
  await periodJobsIdle();
  const done = await agent.get(jobPath);
  if (done.status !== 303 || done.headers.location !== periodPath) throw new Error(`job not done: ${done.status} ${done.text.slice(0, 500)}`);
}
