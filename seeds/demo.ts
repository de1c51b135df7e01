import type { Logger } from 'pino';
import mongoose from 'mongoose';
import { seedFeatureDemos } from './features.js';
import { registerMessages } from '../src/catalogues.js';
import { loadBundledYears } from '../src/holidays/index.js';
import { UnitModel, UnitChangeModel } from '../src/units/model.js';
import { StaffModel } from '../src/staff/model.js';
import { UserModel, type Role } from '../src/auth/model.js';
import { CodeVersionModel } from '../src/conduct-code/model.js';
import { createUser } from '../src/auth/service.js';
import { officialCatalogue } from '../src/conduct-code/official.js';
import { buildDienBienTree, CURRENT_COMMUNES, DISTRICTS, PROVINCE, type UnitDoc } from './units-dienbien.js';
import { generateCommuneStaff, generateFormerStaff, type StaffDoc } from './staff-generator.js';
import { seededRandom } from '../src/shared/seeded-random.js';

/** Shared by every demo login; the README tells users to change it. */
export const DEMO_PASSWORD = 'CongBoc@2026';
export const CODE_TITLE = 'Bộ quy tắc ứng xử "4 xin, 4 luôn, 5 không" tỉnh Điện Biên';
const CODE_EFFECTIVE_FROM = new Date(Date.UTC(2024, 0, 1));
const SEED = 20240701;

export interface DemoSummary {
  units: number;
  unitChanges: number;
  staff: number;
  users: string[];
}

function generateAllStaff(byCode: Map<string, UnitDoc>): StaffDoc[] {
  const rng = seededRandom(SEED);
  const staff: StaffDoc[] = [];
  for (const c of CURRENT_COMMUNES) {
    const commune = byCode.get(c.code)!;
    staff.push(...generateCommuneStaff(rng, commune, byCode.get(`${c.code}-TTPVHCC`)!, c.people, c.staff));
    // History: someone who left each merged commune before the reform.
    for (const oldCode of c.from) staff.push(...generateFormerStaff(rng, byCode.get(oldCode)!, c.people, 1));
  }
  return staff;
}

function chairmanOf(staff: StaffDoc[], commune: UnitDoc): StaffDoc {
  return staff.find((s) => s.active && s.unitId.equals(commune._id) && s.position.startsWith('Chủ tịch UBND'))!;
}

/** Loads the Điện Biên demo: both unit trees, a few hundred staff, the code of conduct, one login per role. */
export async function seedDemo(logger: Logger): Promise<DemoSummary> {
  const started = Date.now();
  // The demo drafts letters from the catalogues' wording, and the server seeds before the app registers them.
  registerMessages();
  const { units, changes, byCode } = buildDienBienTree();
  const staff = generateAllStaff(byCode);
  await UnitModel.insertMany(units);
  await UnitChangeModel.insertMany(changes);
  await StaffModel.insertMany(staff);
  // The demo's deadlines count Tết as the app's first start does (after the province exists: its log lists the load).
  await loadBundledYears();

  const province = byCode.get(PROVINCE.code)!;
  const thanhNua = byCode.get('DB-THANHNUA')!;
  const sinhPhinh = byCode.get('DB-SINHPHINH')!;
  const thanhNuaChair = chairmanOf(staff, thanhNua);
  const sinhPhinhChair = chairmanOf(staff, sinhPhinh);
  const thanhNuaClerk = staff.find((s) => s.active && s.unitId.equals(thanhNua._id) && s.position === 'Công chức Tư pháp - Hộ tịch')!;
  const logins: { username: string; displayName: string; roles: { role: Role; unitId: UnitDoc['_id'] }[]; staff?: StaffDoc }[] = [
    { username: 'admin', displayName: 'Sở Nội vụ Điện Biên', roles: [{ role: 'admin', unitId: province._id }] },
    {
      username: 'truongxa',
      displayName: thanhNuaChair.fullName,
      roles: [{ role: 'head', unitId: thanhNua._id }, { role: 'staff', unitId: thanhNua._id }],
      staff: thanhNuaChair,
    },
    { username: 'canbo', displayName: thanhNuaClerk.fullName, roles: [{ role: 'staff', unitId: thanhNua._id }], staff: thanhNuaClerk },
    {
      username: 'truongxa2',
      displayName: sinhPhinhChair.fullName,
      roles: [{ role: 'head', unitId: sinhPhinh._id }, { role: 'staff', unitId: sinhPhinh._id }],
      staff: sinhPhinhChair,
    },
  ];
  const users = await Promise.all(
    logins.map((l) => createUser({ username: l.username, password: DEMO_PASSWORD, displayName: l.displayName, roles: l.roles, staffId: l.staff?._id ?? null })),
  );
  await Promise.all(logins.map((l, i) => (l.staff ? StaffModel.updateOne({ _id: l.staff._id }, { $set: { userId: users[i]!._id } }) : null)));

  await CodeVersionModel.create({
    provinceId: province._id,
    versionNumber: 1,
    title: CODE_TITLE,
    legalBasis: officialCatalogue.legalBasis,
    effectiveFrom: CODE_EFFECTIVE_FROM,
    groups: officialCatalogue.groups.map((g) => ({ ...g, name: { ...g.name } })),
    criteria: officialCatalogue.criteria.map((c) => ({ ...c, name: { ...c.name }, plainLabel: { ...c.plainLabel } })),
    publishedBy: users[0]!._id,
    publishedByName: users[0]!.displayName,
  });

  await seedFeatureDemos(logger);

  const summary: DemoSummary = { units: units.length, unitChanges: changes.length, staff: staff.length, users: logins.map((l) => l.username) };
  logger.info({ ...summary, districts: DISTRICTS.length, ms: Date.now() - started }, 'demo data of Điện Biên province loaded');
  return summary;
}

/** Seeds the demo only into a database without any unit, so restarts never duplicate it. */
export async function seedIfEmpty(logger: Logger): Promise<DemoSummary | null> {
  if (await UnitModel.exists({})) {
    logger.info('units already present: demo seed skipped');
    return null;
  }
  return seedDemo(logger);
}

/** Empties every collection of the app (`npm run seed -- --reset`); indexes stay. */
export async function resetDemo(): Promise<void> {
  for (const model of Object.values(mongoose.models)) await model.deleteMany({});
}
