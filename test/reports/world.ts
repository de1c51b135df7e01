import type { Types } from 'mongoose';
import { UserModel } from '../../src/auth/model.js';
import { actorOf } from '../../src/auth/service.js';
import { fileReport, type Reporter, type ReportInput } from '../../src/reports/service.js';
import { makeProvince, makeStaff, makeUser } from '../helpers/factories.js';
import { makeCodeVersion } from '../helpers/factories.js';
import { testConfig } from '../helpers/app.js';

export const settings = testConfig();

export const publishCode = makeCodeVersion;

/**
 * Điện Biên with two communes and a desk: the administrator, the chairman of Thanh Nưa (head, and
 * staff of it), the head of Mường Nhé, a desk officer and a colleague who files peer reports.
 */
export async function makeWorld() {
  const units = await makeProvince();
  await publishCode(units.province);
  const admin = await makeUser({ displayName: 'Quản trị Sở Nội vụ', roles: [{ role: 'admin', unit: units.province }] });
  const chairA = await makeStaff({ fullName: 'Lò Văn Phích', unit: units.communeA, position: 'Chủ tịch UBND xã' });
  const headA = await makeUser({ displayName: 'Lò Văn Phích', roles: [{ role: 'head', unit: units.communeA }, { role: 'staff', unit: units.communeA }], staffId: chairA._id });
  const headB = await makeUser({ displayName: 'Giàng A Dế', roles: [{ role: 'head', unit: units.communeB }] });
  const lan = await makeStaff({ fullName: 'Quàng Thị Lan', unit: units.deskA, position: 'Công chức một cửa' });
  const lanUser = await makeUser({ displayName: 'Quàng Thị Lan', roles: [{ role: 'staff', unit: units.communeA }], staffId: lan._id });
  const nam = await makeStaff({ fullName: 'Trần Văn Nam', unit: units.communeA });
  const namUser = await makeUser({ displayName: 'Trần Văn Nam', roles: [{ role: 'staff', unit: units.communeA }], staffId: nam._id });
  const binh = await makeStaff({ fullName: 'Lường Văn Bình', unit: units.communeA });
  return { ...units, admin, headA, headB, chairA, lan, lanUser, nam, namUser, binh };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

export const asActor = async (userId: Types.ObjectId) => actorOf((await UserModel.findById(userId).lean())!);

export const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A report straight through the service, anonymous citizen by default. */
export async function fileAbout(w: World, input: Partial<ReportInput> & { staffId?: string }, opts: { reporter?: Reporter; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  return fileReport(
    {
      unitId: String(w.communeA._id),
      criterionCodes: ['X1', 'K1'],
      occurredOn: day(now.toISOString().slice(0, 10)),
      description: 'Cán bộ không chào, nói trống không và bắt tôi chờ.',
      ...input,
    },
    opts.reporter ?? { source: 'CITIZEN', anonymous: true },
    settings,
    now,
  );
}
