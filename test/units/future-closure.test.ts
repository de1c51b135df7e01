import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeStaff, makeUnit, makeUser } from '../helpers/factories.js';
import { UnitModel } from '../../src/units/model.js';
import { StaffModel } from '../../src/staff/model.js';
import { UserModel } from '../../src/auth/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { actorOf } from '../../src/auth/service.js';
import { ValidationFailed } from '../../src/shared/errors.js';
import * as units from '../../src/units/service.js';
import { createStaff } from '../../src/staff/service.js';
import { unitChoices } from '../../src/users/service.js';
import { unitOptions as dossierUnits } from '../../src/dossiers/service.js';
import { staffForm } from '../../src/staff/schemas.js';

const DAY = 86_400_000;
const dayOnly = (t: number) => new Date(Math.floor(t / DAY) * DAY);

describe('a closure dated in the future', () => {
  it('when a commune is closed with a date still to come, then until that day it takes new staff and stays in the unit and grant pickers; a closure already in force refuses them', async function () {
    this.timeout(60_000);
    await clearDatabase();
    const tree = await makeProvince();
    const admin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.province }] }));
    const closing = await makeUnit({ name: 'Xã Sắp Nhập', kind: 'commune', parent: tree.province, effectiveFrom: new Date(Date.UTC(2020, 0, 1)) });
    const closed = await makeUnit({ name: 'Xã Đã Nhập', kind: 'commune', parent: tree.province, effectiveFrom: new Date(Date.UTC(2020, 0, 1)) });
    await units.closeUnit(admin, { unitId: closing._id, effectiveDate: dayOnly(Date.now() + 10 * DAY) });
    await units.closeUnit(admin, { unitId: closed._id, effectiveDate: dayOnly(Date.now() - DAY) });

    const person = (unitId: string) =>
      staffForm.parse({ fullName: 'Lò Văn Mới', unitId, birthYear: '1995', gender: 'male', category: 'congChuc', educationLevel: 'university', politicalTheoryLevel: 'elementary', staffCode: '', username: '' });
    expect(await createStaff(admin, person(String(closing._id)))).to.be.a('string');
    const refused = await createStaff(admin, person(String(closed._id))).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(ValidationFailed);
    expect((refused as ValidationFailed).fieldErrors.unitId).to.equal('staff.validation.unitClosed');

    const grantUnits = (await unitChoices(admin)).map((c) => c.label);
    expect(grantUnits).to.include('Xã Sắp Nhập').and.not.include('Xã Đã Nhập');
    const receiving = (await dossierUnits(admin)).map((u) => u.name);
    expect(receiving).to.include('Xã Sắp Nhập').and.not.include('Xã Đã Nhập');
  });
});

describe('a merger dated in the future', () => {
  it('when communes merge on a later date, then nothing moves before it; on that day the desk, the people working directly in the old commune and its heads’ grants go to the successor, once', async function () {
    this.timeout(60_000);
    await clearDatabase();
    const tree = await makeProvince();
    const admin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.province }] }));
    const head = await makeUser({ roles: [{ role: 'head', unit: tree.communeA }] });
    const clerk = await makeStaff({ fullName: 'Lò Thị Văn Thư', unit: tree.communeA });
    const effectiveDate = dayOnly(Date.now() + 10 * DAY);
    await units.mergeUnits(admin, { sourceIds: [tree.communeA._id], target: { unitId: tree.communeB._id }, effectiveDate });

    const before = async () => ({
      desk: (await UnitModel.findById(tree.deskA._id).lean())!.parentId,
      clerk: (await StaffModel.findById(clerk._id).lean())!.unitId,
      grant: (await UserModel.findById(head._id).lean())!.roles.map((g) => String(g.unitId)),
      predecessors: (await UnitModel.findById(tree.communeB._id).lean())!.predecessorIds.map(String),
    });
    expect(await before()).to.deep.equal({ desk: tree.communeA._id, clerk: tree.communeA._id, grant: [String(tree.communeA._id)], predecessors: [] });
    expect(await units.applyDueChanges()).to.equal(0, 'not due today');

    expect(await units.applyDueChanges(new Date(effectiveDate.getTime() + 3600_000))).to.equal(1);
    const after = await before();
    expect(after).to.deep.equal({ desk: tree.communeB._id, clerk: tree.communeB._id, grant: [String(tree.communeB._id)], predecessors: [String(tree.communeA._id)] });
    const moved = await AuditEntryModel.findOne({ objectType: 'staff', objectId: clerk._id, action: 'transfer' }).lean();
    expect(moved!.actorId).to.equal(null);
    expect(await units.applyDueChanges(new Date(effectiveDate.getTime() + 7200_000))).to.equal(0, 'done once');
  });

  it('when communes merge into a new commune from a later date, then the new one is offered nowhere before that day', async function () {
    this.timeout(60_000);
    await clearDatabase();
    const tree = await makeProvince();
    const admin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.province }] }));
    const effectiveDate = dayOnly(Date.now() + 10 * DAY);
    await units.mergeUnits(admin, { sourceIds: [tree.communeA._id, tree.communeB._id], target: { code: 'X-MOI', name: 'Xã Mới Lập', kind: 'commune', parentId: tree.province._id }, effectiveDate });
    const offered = (await unitChoices(admin)).map((c) => c.label);
    expect(offered).to.include(tree.communeA.name).and.not.include('Xã Mới Lập');
    expect((await dossierUnits(admin)).map((u) => u.name)).to.not.include('Xã Mới Lập');
  });
});
