import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeUnit, makeUser } from '../helpers/factories.js';
import { actorOf } from '../../src/auth/service.js';
import type { Actor } from '../../src/auth/actor.js';
import { Forbidden, ValidationFailed } from '../../src/shared/errors.js';
import { UnitChangeModel, UnitModel } from '../../src/units/model.js';
import * as units from '../../src/units/service.js';

const d = (y: number, m: number, day: number) => new Date(Date.UTC(y, m - 1, day));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to be rejected');
}

describe('units service', () => {
  let tree: Awaited<ReturnType<typeof makeProvince>>;
  let admin: Actor;
  beforeEach(async () => {
    await clearDatabase();
    tree = await makeProvince();
    admin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.province }] }));
  });

  it('when the tree is listed, then units nest under their parents sorted by kind then Vietnamese name, ended ones only on request', async () => {
    await makeUnit({ name: 'Phòng Tư pháp', kind: 'office', parent: tree.communeA });
    await makeUnit({ name: 'Phường Him Lam', kind: 'ward', parent: tree.province });
    await makeUnit({ name: 'Huyện Điện Biên', kind: 'district', parent: tree.province, effectiveTo: d(2025, 7, 1) });
    await makeUnit({ name: 'Xã Ảng Nưa', kind: 'commune', parent: tree.province });
    const active = await units.listTree(admin);
    expect(active.map((n) => n.name)).to.deep.equal(['Tỉnh Điện Biên']);
    expect(active[0]!.children.map((n) => n.name)).to.deep.equal(['Xã Ảng Nưa', 'Xã Mường Nhé', 'Xã Thanh Nưa', 'Phường Him Lam']);
    const thanhNua = active[0]!.children[2]!;
    expect(thanhNua.children.map((n) => n.name)).to.deep.equal(['Phòng Tư pháp', 'Bộ phận tiếp nhận và trả kết quả']);
    const all = await units.listTree(admin, { includeClosed: true });
    const district = all[0]!.children[0]!;
    expect(district.name).to.equal('Huyện Điện Biên');
    expect(district.ended).to.equal(true);
  });

  it('when a head asks for units in scope, then only their subtree comes back', async () => {
    const head = actorOf(await makeUser({ roles: [{ role: 'head', unit: tree.communeB }] }));
    expect((await units.unitsInScope(head)).map((u) => u.name)).to.deep.equal(['Xã Mường Nhé']);
    expect(await rejection(units.getUnit(head, String(tree.communeA._id)))).to.be.instanceOf(Forbidden);
  });

  it('when a head or an administrator of another province creates a unit here, then it is refused', async () => {
    const head = actorOf(await makeUser({ roles: [{ role: 'head', unit: tree.communeA }] }));
    const input = { code: 'X1', name: 'Phòng mới', kind: 'office' as const, parentId: tree.communeA._id, effectiveFrom: d(2025, 7, 1) };
    expect(await rejection(units.createUnit(head, input))).to.be.instanceOf(Forbidden);
    const otherProvince = await makeUnit({ name: 'Tỉnh Lai Châu', kind: 'province' });
    const otherAdmin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: otherProvince }] }));
    expect(await rejection(units.createUnit(otherAdmin, input))).to.be.instanceOf(Forbidden);
    expect(await UnitModel.exists({ code: 'X1' })).to.equal(null);
  });

  it('when communes merge into an existing one, then its predecessors grow and a chain of successors leads to the unit alive today', async () => {
    const c = await makeUnit({ name: 'Xã Nậm Vì', kind: 'commune', parent: tree.province });
    await units.mergeUnits(admin, { sourceIds: [c._id], target: { unitId: tree.communeB._id }, effectiveDate: d(2024, 1, 1) });
    const newer = await units.mergeUnits(admin, {
      sourceIds: [tree.communeA._id, tree.communeB._id],
      target: { code: 'X-MOI', name: 'Xã Mới', kind: 'commune', parentId: tree.province._id },
      effectiveDate: d(2025, 7, 1),
    });
    const b = await UnitModel.findById(tree.communeB._id).lean();
    expect(b!.predecessorIds.map(String)).to.deep.equal([String(c._id)]);
    expect((await units.successorsOf(c._id)).map((u) => u.id)).to.deep.equal([String(newer._id)]);
    expect((await units.successorsOf(newer._id)).map((u) => u.id)).to.deep.equal([String(newer._id)]);
    const view = await units.getUnit(admin, String(tree.communeB._id));
    expect(view.history.map((h) => h.kind)).to.include.members(['merge']);
    expect(view.predecessors.map((u) => u.name)).to.deep.equal(['Xã Nậm Vì']);
    expect(view.successors.map((u) => u.name)).to.deep.equal(['Xã Mới']);
  });

  it('when a unit is closed without a successor, then successorsOf gives nothing', async () => {
    const lone = await makeUnit({ name: 'Xã Cô Đơn', kind: 'commune', parent: tree.province });
    await units.closeUnit(admin, { unitId: lone._id, effectiveDate: d(2025, 7, 1) });
    expect(await units.successorsOf(lone._id)).to.deep.equal([]);
    const change = await UnitChangeModel.findOne({ kind: 'close' }).lean();
    expect(change!.fromUnitIds.map(String)).to.deep.equal([String(lone._id)]);
  });

  it('when the effective date is not after a source start, or a source has already ended, then ValidationFailed with a clear key', async () => {
    const young = await makeUnit({ name: 'Xã Trẻ', kind: 'commune', parent: tree.province, effectiveFrom: d(2025, 1, 1) });
    const early = await rejection(units.mergeUnits(admin, { sourceIds: [young._id], target: { unitId: tree.communeB._id }, effectiveDate: d(2024, 12, 31) }));
    expect(early).to.be.instanceOf(ValidationFailed);
    expect((early as ValidationFailed).fieldErrors).to.deep.equal({ effectiveDate: 'units.errors.dateBeforeStart' });
    const ended = await makeUnit({ name: 'Xã Cũ', kind: 'commune', parent: tree.province, effectiveTo: d(2024, 1, 1) });
    const closed = await rejection(units.mergeUnits(admin, { sourceIds: [ended._id], target: { unitId: tree.communeB._id }, effectiveDate: d(2025, 7, 1) }));
    expect((closed as ValidationFailed).fieldErrors).to.deep.equal({ sourceIds: 'units.errors.alreadyClosed' });
    const split = await rejection(units.splitUnit(admin, { sourceId: ended._id, newUnits: [], effectiveDate: d(2025, 7, 1) }));
    expect((split as ValidationFailed).messageKey).to.equal('units.errors.alreadyClosed');
    const intoDesk = await rejection(units.mergeUnits(admin, { sourceIds: [tree.communeA._id], target: { unitId: tree.deskA._id }, effectiveDate: d(2025, 7, 1) }));
    expect((intoDesk as ValidationFailed).fieldErrors).to.deep.equal({ targetId: 'units.errors.targetInsideSource' });
    expect(await UnitChangeModel.countDocuments({ kind: 'merge' })).to.equal(0);
  });

  it('when a merge was interrupted after its change record was written, then the repair finishes it once', async () => {
    const target = await makeUnit({ name: 'Xã Sính Phình', kind: 'commune', parent: tree.province, effectiveFrom: d(2025, 7, 1) });
    await UnitChangeModel.create({ kind: 'merge', effectiveDate: d(2025, 7, 1), fromUnitIds: [tree.communeA._id], toUnitIds: [target._id] });
    expect(await units.applyDueChanges()).to.equal(1);
    const source = await UnitModel.findById(tree.communeA._id).lean();
    expect(source!.effectiveTo!.toISOString()).to.equal(d(2025, 7, 1).toISOString());
    expect(source!.successorIds.map(String)).to.deep.equal([String(target._id)]);
    expect((await UnitModel.findById(tree.deskA._id).lean())!.path.map(String)).to.deep.equal([tree.province._id, target._id, tree.deskA._id].map(String));
    expect(await units.applyDueChanges()).to.equal(0);
  });

  it('when a unit with sub-units moves, then every descendant path is rewritten', async () => {
    const window = await makeUnit({ name: 'Quầy số 1', kind: 'desk', parent: tree.deskA });
    await units.closeUnit(admin, { unitId: tree.communeA._id, effectiveDate: d(2025, 7, 1), successorId: tree.communeB._id });
    const moved = await UnitModel.findById(window._id).lean();
    expect(moved!.path.map(String)).to.deep.equal([tree.province._id, tree.communeB._id, tree.deskA._id, window._id].map(String));
    expect(moved!.depth).to.equal(3);
  });

  it('when a picker searches, then folded prefix matches come first and ended units are left out', async () => {
    await makeUnit({ name: 'Xã Nà Nhạn', kind: 'commune', parent: tree.province });
    await makeUnit({ name: 'Xã Mường Nhé cũ', kind: 'commune', parent: tree.province, effectiveTo: d(2024, 1, 1) });
    const found = await units.searchUnits('nhe');
    expect(found.map((u) => u.name)).to.deep.equal(['Xã Mường Nhé']);
    // Word prefixes ("nhé", "nhạn", "nhận") before a match inside a word ("tỉnh", "thanh"), then by kind and name.
    expect((await units.searchUnits('NH')).map((u) => u.name)).to.deep.equal(['Xã Mường Nhé', 'Xã Nà Nhạn', 'Bộ phận tiếp nhận và trả kết quả', 'Tỉnh Điện Biên', 'Xã Thanh Nưa']);
    expect(await units.searchUnits('  ')).to.deep.equal([]);
    expect(await units.searchUnits('(.*')).to.deep.equal([]);
  });
});
