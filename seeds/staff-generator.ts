import { Types } from 'mongoose';
import type { STAFF_CATEGORIES, EDUCATION_LEVELS, POLITICAL_THEORY_LEVELS, GENDERS } from '../src/staff/model.js';
import { foldForSearch, vietnameseSortKey } from '../src/shared/text.js';
import type { PeopleMix, UnitDoc } from './units-dienbien.js';

export interface StaffDoc {
  _id: Types.ObjectId;
  fullName: string;
  sortKey: string;
  searchName: string;
  position: string;
  unitId: Types.ObjectId;
  unitPath: Types.ObjectId[];
  birthYear: number;
  gender: (typeof GENDERS)[number];
  category: (typeof STAFF_CATEGORIES)[number];
  educationLevel: (typeof EDUCATION_LEVELS)[number];
  politicalTheoryLevel: (typeof POLITICAL_THEORY_LEVELS)[number];
  active: boolean;
}


type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

interface NameStock {
  family: string[];
  middle: { male: string[]; female: string[] };
  given: { male: string[]; female: string[] };
}

// Naming patterns of the peoples of Điện Biên: Thái and Khơ Mú use Văn/Thị, H'Mông men "A".
const PEOPLES: Record<'kinh' | 'thai' | 'hmong' | 'dao' | 'khomu', NameStock> = {
  kinh: {
    family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đỗ', 'Bùi', 'Đặng', 'Ngô', 'Đinh', 'Dương'],
    middle: { male: ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Xuân', 'Công'], female: ['Thị', 'Thu', 'Ngọc', 'Thanh', 'Hồng', 'Minh'] },
    given: {
      male: ['Hùng', 'Dũng', 'Tuấn', 'Hải', 'Thắng', 'Long', 'Cường', 'Sơn', 'Nam', 'Phong', 'Trung', 'Hiếu', 'Quân', 'Đạt'],
      female: ['Hương', 'Lan', 'Hoa', 'Mai', 'Hạnh', 'Thảo', 'Trang', 'Huyền', 'Ngân', 'Linh', 'Yến', 'Nhung', 'Phương'],
    },
  },
  thai: {
    family: ['Lò', 'Quàng', 'Lường', 'Tòng', 'Cà', 'Lù', 'Điêu', 'Vì', 'Lèo', 'Khoàng', 'Bạc', 'Cầm'],
    middle: { male: ['Văn'], female: ['Thị'] },
    given: {
      male: ['Phích', 'Pánh', 'Xôm', 'Ún', 'Inh', 'Biên', 'Chiến', 'Hoan', 'Khương', 'Thoại', 'Tuân', 'Hặc', 'Duẩn', 'Hoàn'],
      female: ['Ọn', 'Xuân', 'Hiên', 'Bun', 'Ngoan', 'Ương', 'Pâng', 'Thoa', 'Liên', 'Hiền', 'Duyên', 'Hồng', 'Ánh'],
    },
  },
  hmong: {
    family: ['Lầu', 'Giàng', 'Sùng', 'Vàng', 'Mùa', 'Thào', 'Lý', 'Hạng', 'Chang', 'Sình', 'Cứ', 'Ly'],
    middle: { male: ['A'], female: ['Thị'] },
    given: {
      male: ['Chứ', 'Páo', 'Dơ', 'Sính', 'Lử', 'Tủa', 'Chá', 'Dình', 'Súa', 'Pó', 'Chinh', 'Tồng', 'Khua', 'Lồng', 'Dế'],
      female: ['Dua', 'Mỷ', 'Sua', 'Chở', 'Pà', 'Dợ', 'Mai', 'Sinh', 'Xa', 'Chi', 'Say', 'Máy'],
    },
  },
  dao: {
    family: ['Chảo', 'Lý', 'Tẩn', 'Phàn', 'Đặng', 'Triệu'],
    middle: { male: ['Văn', 'Láo', 'A'], female: ['Thị', 'Mùi'] },
    given: { male: ['Vần', 'Chiêu', 'Kiềm', 'Phin', 'Tả', 'Quẩy'], female: ['Mẩy', 'Chài', 'Dính', 'Nải', 'Sai'] },
  },
  khomu: {
    family: ['Quàng', 'Vì', 'Lò', 'Cầm'],
    middle: { male: ['Văn'], female: ['Thị'] },
    given: { male: ['Xương', 'Khiếm', 'Sương', 'Ỏn', 'Pành'], female: ['Pọm', 'Xiêng', 'Lả', 'Ín'] },
  },
};

const MIXES: Record<PeopleMix, [keyof typeof PEOPLES, number][]> = {
  thai: [['thai', 0.6], ['kinh', 0.25], ['khomu', 0.1], ['hmong', 0.05]],
  hmong: [['hmong', 0.6], ['kinh', 0.2], ['thai', 0.1], ['dao', 0.1]],
  kinh: [['kinh', 0.65], ['thai', 0.25], ['hmong', 0.05], ['khomu', 0.05]],
  mixed: [['thai', 0.35], ['hmong', 0.3], ['kinh', 0.25], ['khomu', 0.05], ['dao', 0.05]],
};

function personName(rng: Rng, mix: PeopleMix, gender: 'male' | 'female'): string {
  let r = rng();
  let people: keyof typeof PEOPLES = MIXES[mix][0]![0];
  for (const [p, weight] of MIXES[mix]) {
    people = p;
    if ((r -= weight) < 0) break;
  }
  const stock = PEOPLES[people];
  return `${pick(rng, stock.family)} ${pick(rng, stock.middle[gender])} ${pick(rng, stock.given[gender])}`;
}

interface Post {
  position: string;
  category: StaffDoc['category'];
  leader?: boolean;
  atDesk?: boolean;
  gender?: 'male' | 'female';
}

/** The posts of a commune after the 2025 reform: elected leaders first, then civil servants. */
function postsFor(kindWord: string, count: number): Post[] {
  const leaders: Post[] = [
    { position: `Chủ tịch UBND ${kindWord}`, category: 'canBo', leader: true },
    { position: `Phó Chủ tịch UBND ${kindWord}`, category: 'canBo', leader: true },
    { position: `Phó Chủ tịch UBND ${kindWord}`, category: 'canBo', leader: true },
    { position: `Chủ tịch Ủy ban MTTQ Việt Nam ${kindWord}`, category: 'canBo', leader: true },
    { position: `Bí thư Đoàn Thanh niên ${kindWord}`, category: 'canBo' },
    { position: `Chủ tịch Hội Liên hiệp Phụ nữ ${kindWord}`, category: 'canBo', gender: 'female' },
    { position: 'Chỉ huy trưởng Ban Chỉ huy Quân sự', category: 'congChuc', leader: true, gender: 'male' },
  ];
  const rotation: Post[] = [
    { position: 'Công chức Văn phòng - Thống kê', category: 'congChuc' },
    { position: 'Công chức Tư pháp - Hộ tịch', category: 'congChuc' },
    { position: 'Công chức Địa chính - Xây dựng', category: 'congChuc' },
    { position: 'Công chức Tài chính - Kế toán', category: 'congChuc' },
    { position: 'Công chức Văn hóa - Xã hội', category: 'congChuc' },
    { position: 'Chuyên viên Phòng Kinh tế', category: 'congChuc' },
    { position: 'Chuyên viên Phòng Văn hóa - Xã hội', category: 'congChuc' },
    { position: 'Viên chức Trung tâm Dịch vụ tổng hợp', category: 'vienChuc' },
  ];
  const desk: Post[] = [
    { position: 'Công chức tiếp nhận và trả kết quả', category: 'congChuc', atDesk: true },
    { position: 'Công chức tiếp nhận và trả kết quả', category: 'congChuc', atDesk: true },
  ];
  const posts = [...leaders, ...desk];
  for (let i = 0; posts.length < count - 1; i++) posts.push(rotation[i % rotation.length]!);
  posts.push({ position: 'Nhân viên hợp đồng (văn thư)', category: 'nguoiLaoDong' });
  return posts.slice(0, count);
}

const YOUNG_SHARE = 0.68; // of commune-level staff under 40 in 2024, the seed article's figure

function educationFor(rng: Rng, post: Post): StaffDoc['educationLevel'] {
  if (post.category === 'nguoiLaoDong') return pick(rng, ['secondary', 'vocational'] as const);
  if (post.leader) return pick(rng, ['university', 'university', 'master'] as const);
  return pick(rng, ['university', 'university', 'university', 'college', 'vocational'] as const);
}

function theoryFor(rng: Rng, post: Post): StaffDoc['politicalTheoryLevel'] {
  if (post.leader) return pick(rng, ['intermediate', 'advanced'] as const);
  if (post.category === 'nguoiLaoDong') return 'none';
  return pick(rng, ['none', 'elementary', 'elementary', 'intermediate'] as const);
}

// `taken` keeps names unique within a commune, so that demo lists never show two identical people.
function person(rng: Rng, taken: Set<string>, unit: UnitDoc, mix: PeopleMix, post: Post, young: boolean, active: boolean): StaffDoc {
  const gender = post.gender ?? (rng() < (post.leader ? 0.2 : 0.5) ? 'female' : 'male');
  let fullName = personName(rng, mix, gender);
  for (let tries = 0; taken.has(fullName) && tries < 20; tries++) fullName = personName(rng, mix, gender);
  taken.add(fullName);
  return {
    _id: new Types.ObjectId(),
    fullName,
    sortKey: vietnameseSortKey(fullName),
    searchName: foldForSearch(fullName),
    position: post.position,
    unitId: unit._id,
    unitPath: unit.path,
    // Age in 2024: under 40 means born 1985 or later.
    birthYear: young ? between(rng, 1985, 2001) : between(rng, 1966, 1984),
    gender,
    category: post.category,
    educationLevel: educationFor(rng, post),
    politicalTheoryLevel: theoryFor(rng, post),
    active,
  };
}

/**
 * The active staff of one current commune (some posted at its desk), plus perhaps one who
 * has left. Leaders are over 40; the rest are young so that the commune matches the seed's 68%.
 */
export function generateCommuneStaff(rng: Rng, commune: UnitDoc, desk: UnitDoc, mix: PeopleMix, count: number): StaffDoc[] {
  const posts = postsFor(commune.kind === 'ward' ? 'phường' : 'xã', count);
  const youngWanted = Math.round(count * YOUNG_SHARE);
  const juniors = posts.filter((p) => !p.leader).length;
  // Which juniors are young: a shuffled pattern with exactly the wanted number.
  const pattern = Array.from({ length: juniors }, (_, i) => i < youngWanted);
  for (let i = pattern.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [pattern[i], pattern[j]] = [pattern[j]!, pattern[i]!];
  }
  let junior = 0;
  const taken = new Set<string>();
  const staff = posts.map((post) => person(rng, taken, post.atDesk ? desk : commune, mix, post, post.leader ? false : pattern[junior++]!, true));
  const leavers = rng() < 0.5 ? 1 : 0;
  const leaverPost: Post = { position: 'Công chức Văn phòng - Thống kê', category: 'congChuc' };
  for (let i = 0; i < leavers; i++) staff.push(person(rng, taken, commune, mix, leaverPost, rng() < 0.5, false));
  return staff;
}

/** A few people who worked in a pre-reform commune and left before it merged: history to browse. */
export function generateFormerStaff(rng: Rng, oldCommune: UnitDoc, mix: PeopleMix, count: number): StaffDoc[] {
  const posts = postsFor(oldCommune.kind === 'township' ? 'thị trấn' : 'xã', 12);
  const taken = new Set<string>();
  return Array.from({ length: count }, (_, i) => person(rng, taken, oldCommune, mix, posts[(i * 5) % posts.length]!, rng() < 0.5, false));
}
