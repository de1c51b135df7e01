import { expect } from 'chai';
import { AuditEntryModel } from '../../src/audit/model.js';
import { PeriodModel } from '../../src/evaluations/model.js';
import { openPeriodVia } from '../evaluations/world.js';
import { StaffModel } from '../../src/staff/model.js';
import { UnitModel } from '../../src/units/model.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { tenAtOnce } from '../helpers/forms.js';
import { makeWorld, type World } from '../helpers/world.js';

/**
 * The same record saved from ten forms at once, all loaded before any was sent (the same version): exactly one save
 * is stored and the other nine are told of the conflict — on the embedded FerretDB too, whose updates read and then
 * write (cases and evaluations are tested with their features).
 */
describe('ten saves of one record at once', function () {
  this.timeout(120_000);
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when ten administrators save one unit, then one name is stored with one new version, and nine get 409', async () => {
    const before = (await UnitModel.findById(w.communeA._id).lean())!;
    const answers = await tenAtOnce(w.admin.username, `/units/${w.communeA._id}/edit`, `/units/${w.communeA._id}`, (i) => ({ name: `Xã Thanh Nưa ${i}` }));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const after = (await UnitModel.findById(w.communeA._id).lean())!;
    expect(after.version).to.equal(before.version + 1);
    expect(after.name).to.equal(`Xã Thanh Nưa ${answers.findIndex((a) => a.status === 302)}`);
  });

  it('when ten administrators close one open period, then one closes it, nine get 409, and the log holds one closing', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id) });
    const page = `/evaluations/periods/${periodId}`;
    const answers = await tenAtOnce(w.admin.username, page, `${page}/close`, () => ({}));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const period = (await PeriodModel.findById(periodId).lean())!;
    expect(period.status).to.equal('CLOSED');
    expect(await AuditEntryModel.countDocuments({ objectType: 'period', objectId: period._id, action: 'close' })).to.equal(1);
  });

  it('when ten heads save one staff record, then one position is stored with one new version, and nine get 409', async () => {
    const before = (await StaffModel.findById(w.lan._id).lean())!;
    const answers = await tenAtOnce(w.headA.username, `/staff/${w.lan._id}/edit`, `/staff/${w.lan._id}`, (i) => ({ position: `Công chức một cửa ${i}` }));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const after = (await StaffModel.findById(w.lan._id).lean())!;
    expect(after.version).to.equal(before.version + 1);
    expect(after.position).to.equal(`Công chức một cửa ${answers.findIndex((a) => a.status === 302)}`);
  });
});
