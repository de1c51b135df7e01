import { expect } from 'chai';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeStaff, makeUser } from '../helpers/factories.js';
import { commandsOf, scanning } from '../helpers/command-log.js';
import { StaffModel } from '../../src/staff/model.js';
import { staffFormerlyIn, storeFormerUnitPaths } from '../../src/staff/index.js';

/**
 * People who worked in a unit and moved (a past year's headcount as at its end) are found through a top-level array
 * of the units they left, which the engine filters itself; the dotted `unitHistory.unitPath` read every staff record.
 */
describe('staff: the units a person left', function () {
  this.timeout(60_000);
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  it('when an administrator moves a person to another commune, then she is found under the commune and desk she left, by an indexed equality', async () => {
    const mai = await makeStaff({ fullName: 'Quàng Thị Mai', unit: units.deskA });
    await makeStaff({ fullName: 'Lò Văn Tú', unit: units.communeA });
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    const res = await submitForm(agent, `/staff/${String(mai._id)}/edit`, `/staff/${String(mai._id)}`, {
      fullName: 'Quàng Thị Mai', position: 'Công chức', unitId: String(units.communeB._id), birthYear: '1992', gender: 'female', category: 'congChuc',
      educationLevel: 'university', politicalTheoryLevel: 'intermediate', staffCode: '', username: '', active: 'on', version: '0',
    });
    expect(res.status).to.equal(302);

    const { result, commands } = await commandsOf(() => Promise.all([staffFormerlyIn({ under: units.communeA._id }), staffFormerlyIn({ on: units.deskA._id }), staffFormerlyIn({ on: units.communeA._id }), staffFormerlyIn({ under: units.communeB._id })]));
    expect(result.map((list) => list.map((p) => String(p._id)))).to.deep.equal([[String(mai._id)], [String(mai._id)], [], []]);
    expect(scanning(commands)).to.deep.equal([]);
  });

  it('when a record was written before the list of units left existed, then the start-up step fills it in once', async () => {
    const tu = await makeStaff({ fullName: 'Lò Văn Tú', unit: units.communeB });
    await StaffModel.collection.updateOne({ _id: tu._id }, { $set: { unitHistory: [{ unitId: units.deskA._id, unitPath: units.deskA.path, until: new Date('2025-06-30T17:00:00Z') }] }, $unset: { formerUnitPath: '' } });
    expect(await staffFormerlyIn({ under: units.communeA._id })).to.deep.equal([]);
    expect(await storeFormerUnitPaths()).to.equal(1);
    expect(await storeFormerUnitPaths()).to.equal(0);
    expect((await staffFormerlyIn({ under: units.communeA._id })).map((p) => String(p._id))).to.deep.equal([String(tu._id)]);
  });
});
