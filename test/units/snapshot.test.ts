import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeUnit } from '../helpers/factories.js';
import { UnitModel } from '../../src/units/model.js';
import { unitsByIds, unitsSnapshot } from '../../src/units/snapshot.js';

describe('the unit tree kept in memory', () => {
  beforeEach(clearDatabase);

  it('when units are created, renamed or deleted through the model, then the next snapshot shows it', async () => {
    const { province, communeA } = await makeProvince();
    const first = await unitsSnapshot();
    expect(first.subtree(province._id).map((u) => String(u._id))).to.include(String(communeA._id));

    const added = await makeUnit({ name: 'Xã Mới', kind: 'commune', parent: province });
    expect((await unitsSnapshot()).byId(added._id)?.name).to.equal('Xã Mới');

    await UnitModel.updateOne({ _id: added._id }, { $set: { name: 'Xã Mới Đổi Tên' } });
    expect((await unitsByIds([added._id]))[0]?.name).to.equal('Xã Mới Đổi Tên');

    await UnitModel.deleteOne({ _id: added._id });
    expect(await unitsByIds([added._id])).to.deep.equal([]);
  });

  it('when nothing changed, then the same snapshot is reused instead of reading the units again', async () => {
    await makeProvince();
    const a = await unitsSnapshot();
    const b = await unitsSnapshot();
    expect(b).to.equal(a);
  });
});
