import type { Types } from 'mongoose';
import { newUnitFields, type UnitKind, type UnitChangeKind } from '../src/units/model.js';

/** Who mostly works in a commune: drives the mix of names the staff generator draws from. */
export type PeopleMix = 'thai' | 'hmong' | 'kinh' | 'mixed';

export const PRE_REFORM_FROM = new Date(Date.UTC(2020, 0, 1));
export const REFORM_DATE = new Date(Date.UTC(2025, 6, 1));
export const REFORM_BASIS = 'Nghị quyết 1661/NQ-UBTVQH15 ngày 16/6/2025';

interface OldCommune {
  code: string;
  name: string;
  kind: UnitKind;
}
interface District {
  code: string;
  name: string;
  communes: OldCommune[];
}
interface CurrentCommune {
  code: string;
  name: string;
  kind: UnitKind;
  /** Codes of the pre-reform communes merged into this one. */
  from: string[];
  /** Active staff to generate (a demo figure, not an official headcount). */
  staff: number;
  people: PeopleMix;
}

export const PROVINCE = { code: 'DB', name: 'Tỉnh Điện Biên' };

// The 2024 three-tier tree of the seed article: only the districts and communes it names,
// plus the partners of the 2025 mergers listed in docs/domain.md.
export const DISTRICTS: District[] = [
  {
    code: 'DB-TC',
    name: 'Huyện Tủa Chùa',
    communes: [
      { code: 'DB-TC-TAPHIN', name: 'Xã Tả Phìn', kind: 'commune' },
      { code: 'DB-TC-TRUNGTHU', name: 'Xã Trung Thu', kind: 'commune' },
    ],
  },
  {
    code: 'DB-DB',
    name: 'Huyện Điện Biên',
    communes: [
      { code: 'DB-DB-THANHLUONG', name: 'Xã Thanh Luông', kind: 'commune' },
      { code: 'DB-DB-HUATHANH', name: 'Xã Hua Thanh', kind: 'commune' },
      { code: 'DB-DB-THANHHUNG', name: 'Xã Thanh Hưng', kind: 'commune' },
      { code: 'DB-DB-THANHCHAN', name: 'Xã Thanh Chăn', kind: 'commune' },
    ],
  },
  {
    code: 'DB-MN',
    name: 'Huyện Mường Nhé',
    communes: [
      { code: 'DB-MN-MUONGNHE', name: 'Xã Mường Nhé', kind: 'commune' },
      { code: 'DB-MN-NAMVI', name: 'Xã Nậm Vì', kind: 'commune' },
      { code: 'DB-MN-CHUNGCHAI', name: 'Xã Chung Chải', kind: 'commune' },
    ],
  },
  {
    code: 'DB-TG',
    name: 'Huyện Tuần Giáo',
    communes: [
      { code: 'DB-TG-TTTUANGIAO', name: 'Thị trấn Tuần Giáo', kind: 'township' },
      { code: 'DB-TG-QUAICANG', name: 'Xã Quài Cang', kind: 'commune' },
      { code: 'DB-TG-QUAINUA', name: 'Xã Quài Nưa', kind: 'commune' },
    ],
  },
];

// The two-tier tree in force since 1/7/2025. The first four mergers come from docs/domain.md.
// The other communes and wards are ILLUSTRATIVE demo data: their names and the staff figures
// must be verified against Resolution 1661/NQ-UBTVQH15 before anyone relies on them, and their
// predecessors are not part of the demo.
export const CURRENT_COMMUNES: CurrentCommune[] = [
  { code: 'DB-SINHPHINH', name: 'Xã Sính Phình', kind: 'commune', from: ['DB-TC-TAPHIN', 'DB-TC-TRUNGTHU'], staff: 28, people: 'hmong' },
  {
    code: 'DB-THANHNUA',
    name: 'Xã Thanh Nưa',
    kind: 'commune',
    from: ['DB-DB-THANHLUONG', 'DB-DB-HUATHANH', 'DB-DB-THANHHUNG', 'DB-DB-THANHCHAN'],
    staff: 60,
    people: 'thai',
  },
  { code: 'DB-MUONGNHE', name: 'Xã Mường Nhé', kind: 'commune', from: ['DB-MN-MUONGNHE', 'DB-MN-NAMVI', 'DB-MN-CHUNGCHAI'], staff: 32, people: 'hmong' },
  { code: 'DB-TUANGIAO', name: 'Xã Tuần Giáo', kind: 'commune', from: ['DB-TG-TTTUANGIAO', 'DB-TG-QUAICANG', 'DB-TG-QUAINUA'], staff: 34, people: 'thai' },
  // Illustrative from here on (see above).
  { code: 'DB-DIENBIENPHU', name: 'Phường Điện Biên Phủ', kind: 'ward', from: [], staff: 35, people: 'kinh' },
  { code: 'DB-MUONGTHANH', name: 'Phường Mường Thanh', kind: 'ward', from: [], staff: 33, people: 'kinh' },
  { code: 'DB-MUONGLAY', name: 'Phường Mường Lay', kind: 'ward', from: [], staff: 24, people: 'mixed' },
  { code: 'DB-TUACHUA', name: 'Xã Tủa Chùa', kind: 'commune', from: [], staff: 27, people: 'hmong' },
  { code: 'DB-MUONGCHA', name: 'Xã Mường Chà', kind: 'commune', from: [], staff: 25, people: 'mixed' },
  { code: 'DB-NAMPO', name: 'Xã Nậm Pồ', kind: 'commune', from: [], staff: 22, people: 'hmong' },
  { code: 'DB-MUONGANG', name: 'Xã Mường Ảng', kind: 'commune', from: [], staff: 26, people: 'thai' },
  { code: 'DB-DIENBIENDONG', name: 'Xã Điện Biên Đông', kind: 'commune', from: [], staff: 23, people: 'hmong' },
  { code: 'DB-MUONGPHANG', name: 'Xã Mường Phăng', kind: 'commune', from: [], staff: 21, people: 'thai' },
  { code: 'DB-NASANG', name: 'Xã Na Sang', kind: 'commune', from: [], staff: 20, people: 'mixed' },
];

/** The one-stop desk every current commune has (Decree 118/2025). */
export function deskName(commune: { name: string }): string {
  return `Trung tâm phục vụ hành chính công ${commune.name.charAt(0).toLowerCase()}${commune.name.slice(1)}`;
}

export interface UnitDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  searchName: string;
  kind: UnitKind;
  parentId: Types.ObjectId | null;
  path: Types.ObjectId[];
  depth: number;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  successorIds: Types.ObjectId[];
  predecessorIds: Types.ObjectId[];
}

export interface UnitChangeDoc {
  kind: UnitChangeKind;
  effectiveDate: Date;
  fromUnitIds: Types.ObjectId[];
  toUnitIds: Types.ObjectId[];
  legalBasis: string;
  note: string;
}

export interface DienBienTree {
  units: UnitDoc[];
  changes: UnitChangeDoc[];
  byCode: Map<string, UnitDoc>;
}

/** Builds both trees with their ids, paths and the links between old and new communes. */
export function buildDienBienTree(): DienBienTree {
  const units: UnitDoc[] = [];
  const byCode = new Map<string, UnitDoc>();
  const add = (input: { code: string; name: string; kind: UnitKind; parent: UnitDoc | null; from: Date; to: Date | null }): UnitDoc => {
    const unit: UnitDoc = { ...newUnitFields({ ...input, effectiveFrom: input.from, effectiveTo: input.to }), successorIds: [], predecessorIds: [] };
    units.push(unit);
    byCode.set(unit.code, unit);
    return unit;
  };

  const province = add({ ...PROVINCE, kind: 'province', parent: null, from: PRE_REFORM_FROM, to: null });
  for (const d of DISTRICTS) {
    const district = add({ code: d.code, name: d.name, kind: 'district', parent: province, from: PRE_REFORM_FROM, to: REFORM_DATE });
    for (const c of d.communes) add({ ...c, parent: district, from: PRE_REFORM_FROM, to: REFORM_DATE });
  }

  const changes: UnitChangeDoc[] = [];
  for (const c of CURRENT_COMMUNES) {
    const commune = add({ code: c.code, name: c.name, kind: c.kind, parent: province, from: REFORM_DATE, to: null });
    add({ code: `${c.code}-TTPVHCC`, name: deskName(c), kind: 'desk', parent: commune, from: REFORM_DATE, to: null });
    const predecessors = c.from.map((code) => byCode.get(code)!);
    if (predecessors.length === 0) continue;
    commune.predecessorIds = predecessors.map((p) => p._id);
    for (const p of predecessors) p.successorIds = [commune._id];
    changes.push({
      kind: 'merge',
      effectiveDate: REFORM_DATE,
      fromUnitIds: commune.predecessorIds,
      toUnitIds: [commune._id],
      legalBasis: REFORM_BASIS,
      note: `Sắp xếp ${predecessors.map((p) => p.name).join(', ')} thành ${c.name}`,
    });
  }
  for (const d of DISTRICTS) {
    changes.push({
      kind: 'close',
      effectiveDate: REFORM_DATE,
      fromUnitIds: [byCode.get(d.code)!._id],
      toUnitIds: [],
      legalBasis: REFORM_BASIS,
      note: `${d.name} kết thúc hoạt động khi tổ chức chính quyền địa phương hai cấp`,
    });
  }
  return { units, changes, byCode };
}
