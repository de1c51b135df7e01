import { expect } from 'chai';
import { agentFor, login, testApp } from '../helpers/app.js';
import { createLogger } from '../../src/shared/logger.js';
import { UnitModel, UnitChangeModel } from '../../src/units/model.js';
import { StaffModel } from '../../src/staff/model.js';
import { UserModel } from '../../src/auth/model.js';
import { CodeVersionModel } from '../../src/conduct-code/model.js';
import { loadDemo, demoSeedResult } from '../helpers/demo.js';
import { seedIfEmpty, DEMO_PASSWORD, CODE_TITLE } from '../../seeds/demo.js';
import { vietnameseSortKey } from '../../src/shared/text.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { translator } from '../../src/shared/i18n.js';

const quiet = createLogger('silent');
const REFORM = new Date(Date.UTC(2025, 6, 1)).getTime();

async function unitNamed(name: string, current: boolean) {
  const unit = await UnitModel.findOne({ name, effectiveTo: current ? null : { $ne: null } }).lean();
  expect(unit, name).to.not.equal(null);
  return unit!;
}

describe('demo seed of Điện Biên', () => {
  before(async function () {
    this.timeout(180_000);
    await loadDemo();
  });

  it('when seeded, then each 2025 commune lists the pre-reform communes merged into it, and they point back', async () => {
    const expected: Record<string, string[]> = {
      'Xã Sính Phình': ['Xã Tả Phìn', 'Xã Trung Thu'],
      'Xã Thanh Nưa': ['Xã Thanh Luông', 'Xã Hua Thanh', 'Xã Thanh Hưng', 'Xã Thanh Chăn'],
      'Xã Mường Nhé': ['Xã Mường Nhé', 'Xã Nậm Vì', 'Xã Chung Chải'],
      'Xã Tuần Giáo': ['Thị trấn Tuần Giáo', 'Xã Quài Cang', 'Xã Quài Nưa'],
    };
    const province = await UnitModel.findOne({ kind: 'province' }).lean();
    for (const [name, oldNames] of Object.entries(expected)) {
      const commune = await unitNamed(name, true);
      expect(String(commune.parentId), name).to.equal(String(province!._id));
      expect(commune.effectiveFrom.getTime()).to.equal(REFORM);
      const predecessors = await UnitModel.find({ _id: { $in: commune.predecessorIds } }).lean();
      expect(predecessors.map((p) => p.name).sort()).to.deep.equal([...oldNames].sort());
      for (const p of predecessors) {
        expect(p.successorIds.map(String)).to.deep.equal([String(commune._id)]);
        expect(p.effectiveTo!.getTime(), p.name).to.equal(REFORM);
      }
      const merge = await UnitChangeModel.findOne({ kind: 'merge', toUnitIds: commune._id }).lean();
      expect(merge!.fromUnitIds.map(String).sort()).to.deep.equal(commune.predecessorIds.map(String).sort());
      expect(merge!.legalBasis).to.contain('1661/NQ-UBTVQH15');
    }
  });

  it('when seeded, then the 2024 tree is province → district → commune and every district is closed on 01/07/2025', async () => {
    const taPhin = await unitNamed('Xã Tả Phìn', false);
    const district = await UnitModel.findById(taPhin.parentId).lean();
    expect(district!.name).to.equal('Huyện Tủa Chùa');
    expect(taPhin.depth).to.equal(2);
    expect(taPhin.path.map(String)).to.deep.equal([...district!.path, taPhin._id].map(String));
    const districts = await UnitModel.find({ kind: 'district' }).lean();
    expect(districts.map((d) => d.name).sort()).to.deep.equal(['Huyện Mường Nhé', 'Huyện Tuần Giáo', 'Huyện Tủa Chùa', 'Huyện Điện Biên'].sort());
    expect(districts.every((d) => d.effectiveTo?.getTime() === REFORM)).to.equal(true);
    expect(await UnitChangeModel.countDocuments({ kind: 'close', fromUnitIds: { $in: districts.map((d) => d._id) } })).to.equal(4);
    expect((await unitNamed('Thị trấn Tuần Giáo', false)).kind).to.equal('township');
  });

  it('when seeded, then every current commune has a one-stop desk under it', async () => {
    const communes = await UnitModel.find({ kind: { $in: ['commune', 'ward'] }, effectiveTo: null }).lean();
    expect(communes.length).to.be.within(12, 15);
    const desks = await UnitModel.find({ kind: 'desk' }).lean();
    for (const c of communes) expect(desks.some((d) => String(d.parentId) === String(c._id)), c.name).to.equal(true);
  });

  it('when seeded, then a few hundred staff are active, 60 of them in xã Thanh Nưa, and about 68% are under 40 in 2024', async () => {
    const active = await StaffModel.find({ active: true }).lean();
    expect(active.length).to.be.within(300, 500);
    const thanhNua = await unitNamed('Xã Thanh Nưa', true);
    expect(active.filter((s) => s.unitPath.some((id) => id.equals(thanhNua._id))).length).to.equal(60);
    const under40 = active.filter((s) => 2024 - s.birthYear < 40).length / active.length;
    expect(under40).to.be.within(0.6, 0.75);
    const sample = active[0]!;
    expect(sample.sortKey).to.equal(vietnameseSortKey(sample.fullName));
    const inactive = await StaffModel.find({ active: false }).lean();
    expect(inactive.length).to.be.greaterThan(0);
    const taPhin = await unitNamed('Xã Tả Phìn', false);
    expect(inactive.some((s) => s.unitId.equals(taPhin._id))).to.equal(true);
  });

  it('when seeded, then the province has version 1 of the code with its 13 criteria in 3 groups', async () => {
    const versions = await CodeVersionModel.find({}).lean();
    expect(versions).to.have.length(1);
    expect(versions[0]!.title).to.equal(CODE_TITLE);
    expect(versions[0]!.criteria.map((c) => c.code)).to.have.length(13).and.include.members(['X1', 'L4', 'K5']);
    expect(versions[0]!.groups).to.have.length(3);
  });

  it('when seeded, then each demo login works with the documented password and truongxa is the chairman of Thanh Nưa', async () => {
    const app = testApp();
    for (const username of ['admin', 'truongxa', 'canbo', 'truongxa2']) await login(agentFor(app), username, DEMO_PASSWORD);
    const head = await UserModel.findOne({ username: 'truongxa' }).lean();
    const thanhNua = await unitNamed('Xã Thanh Nưa', true);
    expect(head!.roles.map((r) => `${r.role}:${String(r.unitId)}`)).to.have.members([`head:${thanhNua._id}`, `staff:${thanhNua._id}`]);
    const chairman = await StaffModel.findById(head!.staffId).lean();
    expect(chairman!.position).to.equal('Chủ tịch UBND xã');
    expect(String(chairman!.userId)).to.equal(String(head!._id));
    const admin = await UserModel.findOne({ username: 'admin' }).lean();
    expect(admin!.roles[0]!.role).to.equal('admin');
  });

  it('when seedIfEmpty runs twice, then nothing is duplicated', async () => {
    const before = { units: await UnitModel.countDocuments(), staff: await StaffModel.countDocuments(), users: await UserModel.countDocuments() };
    expect(await seedIfEmpty(quiet)).to.equal(null);
    expect(await seedIfEmpty(quiet)).to.equal(null);
    expect({ units: await UnitModel.countDocuments(), staff: await StaffModel.countDocuments(), users: await UserModel.countDocuments() }).to.deep.equal(before);
  });

  it('when the database was empty, then seedIfEmpty loaded the demo it reported (this run seeds the demo once, on an empty database)', async () => {
    const seeded = demoSeedResult();
    expect(seeded, 'seedIfEmpty answered null on an empty database').to.not.equal(null);
    expect({ units: seeded!.units, staff: seeded!.staff }).to.deep.equal({ units: await UnitModel.countDocuments(), staff: await StaffModel.countDocuments() });
    expect(seeded!.users).to.include.members(['admin', 'truongxa', 'truongxa2', 'canbo']);
  });

  it('when seeded, then every field its audit entries record has a label in both languages (the log shows no field by its code name)', async () => {
    const fields = (await AuditEntryModel.distinct('changes.field')) as string[];
    expect(fields.length).to.be.above(5);
    for (const lang of ['vi', 'en'] as const) {
      const t = translator(lang);
      // A field is a name or a name and a code ("criterion X1"): the name is what is translated.
      const unlabelled = [...new Set(fields.map((f) => f.split(' ')[0]!))].filter((name) => t(`audit.fields.${name}`) === `audit.fields.${name}`);
      expect(unlabelled, lang).to.deep.equal([]);
    }
  });
});
