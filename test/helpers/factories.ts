import { Types } from 'mongoose';
import { UnitModel, type Unit, type UnitKind } from '../../src/units/model.js';
import { StaffModel, type Staff } from '../../src/staff/model.js';
import { createUser } from '../../src/auth/service.js';
import type { Role } from '../../src/auth/model.js';
import { foldForSearch, vietnameseSortKey } from '../../src/shared/text.js';
import { CodeVersionModel } from '../../src/conduct-code/model.js';
import { officialCatalogue } from '../../src/conduct-code/official.js';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export const DEFAULT_PASSWORD = 'Matkhau@2026';

export async function makeUnit(input: { name: string; kind: UnitKind; parent?: Unit | null; code?: string; effectiveFrom?: Date; effectiveTo?: Date | null }): Promise<Unit> {
  const _id = new Types.ObjectId();
  const parentPath = input.parent ? input.parent.path : [];
  const doc = await UnitModel.create({
    _id,
    code: input.code ?? `U${unique()}`,
    name: input.name,
    searchName: foldForSearch(input.name),
    kind: input.kind,
    parentId: input.parent?._id ?? null,
    path: [...parentPath, _id],
    depth: parentPath.length,
    effectiveFrom: input.effectiveFrom ?? new Date(Date.UTC(2020, 0, 1)),
    effectiveTo: input.effectiveTo ?? null,
  });
  return doc.toObject() as Unit;
}

/** A province with two communes, each with a one-stop desk. */
export async function makeProvince() {
  const province = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province' });
  const communeA = await makeUnit({ name: 'Xã Thanh Nưa', kind: 'commune', parent: province });
  const communeB = await makeUnit({ name: 'Xã Mường Nhé', kind: 'commune', parent: province });
  const deskA = await makeUnit({ name: 'Bộ phận tiếp nhận và trả kết quả', kind: 'desk', parent: communeA });
  return { province, communeA, communeB, deskA };
}

export async function makeUser(input: { username?: string; displayName?: string; roles: { role: Role; unit: Unit }[]; staffId?: Types.ObjectId }) {
  const username = input.username ?? `user${unique()}`;
  const user = await createUser({
    username,
    password: DEFAULT_PASSWORD,
    displayName: input.displayName ?? username,
    roles: input.roles.map((r) => ({ role: r.role, unitId: r.unit._id })),
    staffId: input.staffId ?? null,
  });
  return { ...user, username };
}

export async function makeStaff(input: { fullName: string; unit: Unit; position?: string; birthYear?: number; gender?: 'male' | 'female'; category?: Staff['category']; active?: boolean }): Promise<Staff> {
  const doc = await StaffModel.create({
    fullName: input.fullName,
    sortKey: vietnameseSortKey(input.fullName),
    searchName: foldForSearch(input.fullName),
    position: input.position ?? 'Công chức',
    unitId: input.unit._id,
    unitPath: input.unit.path,
    birthYear: input.birthYear ?? 1990,
    gender: input.gender ?? 'female',
    category: input.category ?? 'congChuc',
    active: input.active ?? true,
  });
  return doc.toObject() as Staff;
}

/** Version 1 of the official code of conduct for a province, in force since 2020. */
export async function makeCodeVersion(province: Pick<Unit, '_id'>) {
  return CodeVersionModel.create({
    provinceId: province._id,
    versionNumber: 1,
    title: officialCatalogue.title,
    legalBasis: officialCatalogue.legalBasis,
    effectiveFrom: new Date(Date.UTC(2020, 0, 1)),
    groups: officialCatalogue.groups.map((g) => ({ ...g })),
    criteria: officialCatalogue.criteria.map((c) => ({ ...c })),
  });
}
