import { expect } from 'chai';
import { pino } from 'pino';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff, makeUnit } from '../helpers/factories.js';
import { RatingModel, DeskSettingsModel } from '../../src/satisfaction/model.js';
import { seedSatisfactionDemo } from '../../seeds/demo-satisfaction.js';
import { satisfactionRate, normalisePeriod } from '../../src/satisfaction/service.js';
import { seedDossiersDemo } from '../../seeds/demo-dossiers.js';
import { lateDossierSummary } from '../../src/dossiers/service.js';

const quiet = pino({ level: 'silent' });

describe('demo ratings and late dossiers', () => {
  beforeEach(clearDatabase);

  async function demoTree() {
    const province = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province', code: 'DB' });
    const sinhPhinh = await makeUnit({ name: 'Xã Sính Phình', kind: 'commune', parent: province, code: 'DB-SINHPHINH' });
    const thanhNua = await makeUnit({ name: 'Xã Thanh Nưa', kind: 'commune', parent: province, code: 'DB-THANHNUA' });
    const deskSP = await makeUnit({ name: 'Trung tâm phục vụ hành chính công xã Sính Phình', kind: 'desk', parent: sinhPhinh, code: 'DB-SINHPHINH-TTPVHCC' });
    const deskTN = await makeUnit({ name: 'Trung tâm phục vụ hành chính công xã Thanh Nưa', kind: 'desk', parent: thanhNua, code: 'DB-THANHNUA-TTPVHCC' });
    await makeStaff({ fullName: 'Giàng Thị Dua', unit: deskSP });
    await makeStaff({ fullName: 'Chủ Tịch Thanh Nưa', unit: thanhNua, position: 'Chủ tịch UBND xã' });
    return { province, sinhPhinh, thanhNua, deskSP, deskTN };
  }

  it('when the demo is seeded, then xã Sính Phình reports 97% over the six months the report page shows by default, the same on every run', async () => {
    const tree = await demoTree();
    const now = new Date('2026-02-10T04:00:00Z');
    const first = await seedSatisfactionDemo(quiet, now);
    expect(first.desks).to.equal(2);
    const period = normalisePeriod(undefined, undefined, now);
    expect(period).to.deep.equal({ from: '2025-09', to: '2026-02' });
    expect(await satisfactionRate(tree.sinhPhinh._id, period.from, period.to)).to.deep.equal({ total: 600, satisfied: 582, rate: 97 });
    expect(await RatingModel.countDocuments({ unitId: tree.deskTN._id, scale: 5 })).to.be.greaterThan(50);
    expect((await DeskSettingsModel.findOne({ unitId: tree.deskTN._id }).lean())!.scale).to.equal(5);
    expect(await RatingModel.countDocuments({ ratedAt: { $gt: now } })).to.equal(0);
    expect(await RatingModel.countDocuments({ unitId: tree.deskSP._id, officerId: { $ne: null } })).to.be.greaterThan(0);

    const snapshot = (await RatingModel.find().sort({ ratedAt: 1, level: 1 }).lean()).map((r) => `${String(r.unitId)}|${r.level}|${r.ratedAt.toISOString()}`);
    expect((await seedSatisfactionDemo(quiet, now)).ratings).to.equal(0); // already seeded
    await RatingModel.deleteMany({});
    await seedSatisfactionDemo(quiet, now);
    const again = (await RatingModel.find().sort({ ratedAt: 1, level: 1 }).lean()).map((r) => `${String(r.unitId)}|${r.level}|${r.ratedAt.toISOString()}`);
    expect(again).to.deep.equal(snapshot);
  });

  it('when the demo dossiers are seeded, then most have a slip and the one without counts as a breach of X2', async () => {
    const tree = await demoTree();
    const result = await seedDossiersDemo(quiet, new Date('2026-02-10T04:00:00Z'));
    expect(result).to.deep.equal({ dossiers: 6, withoutSlip: 1 });
    const summaryTN = await lateDossierSummary(tree.thanhNua._id);
    expect(summaryTN).to.deep.equal({ late: 4, withoutSlip: 1 });
    expect(await lateDossierSummary(tree.sinhPhinh._id)).to.deep.equal({ late: 2, withoutSlip: 0 });
  });
});
