import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { asActor, makeWorld, openPeriodVia, type World } from '../evaluations/world.js';
import { StaffModel } from '../../src/staff/model.js';
import { EvaluationModel } from '../../src/evaluations/model.js';
import { EvaluationResultModel } from '../../src/evaluations/record-model.js';
import { rosterFor } from '../../src/evaluations/roster.js';
import { prepareDerivedData } from '../../src/startup.js';
import { createLogger } from '../../src/shared/logger.js';
import { vietnameseSortKey } from '../../src/shared/text.js';

describe('staff: sort keys stored under older rules', () => {
  let w: World;
  let periodId: string;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    periodId = await openPeriodVia(admin, { unitId: String(w.province._id), deadline: '01/04/2026' });
  });

  it('when the app starts on a database whose names carry old keys, then staff, evaluations and records get the new ones and the roster orders by them', async () => {
    // Old keys, as an earlier version stored them: the order reversed from what the names give.
    const people = [w.chairA, w.binh, w.lan];
    const oldKey = (i: number) => `~old${9 - i}`;
    for (const [i, p] of people.entries()) {
      await StaffModel.collection.updateOne({ _id: p._id }, { $set: { sortKey: oldKey(i) } });
      await EvaluationModel.collection.updateMany({ staffId: p._id }, { $set: { sortKey: oldKey(i) } });
      await EvaluationResultModel.collection.updateMany({ staffId: p._id }, { $set: { sortKey: oldKey(i) } });
    }

    await prepareDerivedData({ EARLY_WARNING_THRESHOLD: 3, EARLY_WARNING_WINDOW_DAYS: 30 }, createLogger('silent'));

    for (const p of people) {
      const fresh = vietnameseSortKey(p.fullName);
      expect((await StaffModel.findById(p._id).lean())!.sortKey, p.fullName).to.equal(fresh);
      for (const e of await EvaluationModel.find({ staffId: p._id }).lean()) expect(e.sortKey, p.fullName).to.equal(fresh);
      for (const r of await EvaluationResultModel.find({ staffId: p._id }).lean()) expect(r.sortKey, p.fullName).to.equal(fresh);
    }
    // Given names: Bình, Lan, Phích.
    const roster = await rosterFor(await asActor(w.headA._id), periodId);
    expect(roster.rows.map((r) => r.staffName).filter((n) => people.some((p) => p.fullName === n))).to.deep.equal(['Lường Văn Bình', 'Quàng Thị Lan', 'Lò Văn Phích']);
  });
});
