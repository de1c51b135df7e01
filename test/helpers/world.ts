import type { Types } from 'mongoose';
import { UserModel } from '../../src/auth/model.js';
import { actorOf } from '../../src/auth/service.js';
import { makeCodeVersion, makeProvince, makeStaff, makeUser } from './factories.js';

/**
 * The one test world of Điện Biên: two communes and a desk, the code of conduct, the administrator, the chairman of
 * Thanh Nưa (head, and staff of it), the head of Mường Nhé, a desk officer with a login and an e-mail, a person
 * without a login, a staff member of Mường Nhé and someone who has left. Features add the people only their tests need.
 */
export async function makeWorld() {
  const units = await makeProvince();
  const code = await makeCodeVersion(units.province);
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
