import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { EvaluationModel } from '../../src/evaluations/model.js';
import { createMissingEvaluations } from '../../src/evaluations/periods.js';
import { EvaluationResultModel, scoresOf } from '../../src/evaluations/results-store.js';
import { PeriodModel, type Period } from '../../src/evaluations/model.js';
import { allRated, evaluationOf, makeWorld, openPeriodVia, type World } from './world.js';

describe('evaluations: the compact result records the exports read', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a period opens, then every new evaluation has a record with its unit, year and no scores yet', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id) });
    const evaluations = await EvaluationModel.find({ periodId }).lean();
    const records = await EvaluationResultModel.find({ _id: { $in: evaluations.map((e) => e._id) } }).lean();
    expect(records).to.have.length(evaluations.length).and.length(4);
    const lan = records.find((r) => r.staffId.equals(w.lan._id))!;
    expect(lan).to.include({ year: 2026, periodKey: '2026-Q1', finalised: 0, scores: '', staffName: 'Quàng Thị Lan' });
    expect(String(lan.reportingUnitId)).to.equal(String(w.communeA._id));
    expect(lan.unitPath.map(String)).to.deep.equal([w.province._id, w.communeA._id, w.deskA._id].map(String));
  });

  it('when the head finalises and then amends, then the record follows each write with the head\'s scores in criterion order', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    await openPeriodVia(admin, { unitId: String(w.province._id) });
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    const ev = await evaluationOf(w.lan._id);
    const path = `/evaluations/${String(ev._id)}`;
    const finalise = await submitForm(head, path, `${path}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD'), 'ratings[X2][level]': 'NOT_DONE', 'ratings[X2][reason]': 'Không xin lỗi' });
    expect(finalise.status).to.equal(302);
    let record = (await EvaluationResultModel.findById(ev._id).lean())!;
    const stored = await evaluationOf(w.lan._id);
    expect(record).to.include({ finalised: 1, version: stored.version });
    expect(scoresOf(record)).to.deep.equal(stored.results.map((r) => ({ criterionCode: r.criterionCode, score: r.score })));
    expect(scoresOf(record).find((r) => r.criterionCode === 'X2')!.score).to.equal(0);

    const amend = await submitForm(head, path, `${path}/amend`, { version: String(stored.version), reason: 'Đã xác minh lại', ...allRated('GOOD'), 'ratings[L1][level]': 'DONE' });
    expect(amend.status).to.equal(302);
    record = (await EvaluationResultModel.findById(ev._id).lean())!;
    const amended = await evaluationOf(w.lan._id);
    expect(record.version).to.equal(amended.version);
    expect(scoresOf(record).find((r) => r.criterionCode === 'X2')!.score).to.equal(2);
    expect(scoresOf(record).find((r) => r.criterionCode === 'L1')!.score).to.equal(1);
  });

  it('when a record is missing or stale (a crash between the two writes), then adding staff to the period repairs it', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id) });
    const lan = await evaluationOf(w.lan._id);
    const binh = await evaluationOf(w.binh._id);
    await EvaluationResultModel.deleteOne({ _id: lan._id });
    await EvaluationModel.updateOne({ _id: binh._id }, { $set: { finalised: 1 }, $inc: { version: 1 } });
    await createMissingEvaluations((await PeriodModel.findById(periodId).lean()) as Period);
    expect(await EvaluationResultModel.findById(lan._id).lean()).to.include({ periodKey: '2026-Q1', version: 0 });
    expect(await EvaluationResultModel.findById(binh._id).lean()).to.include({ finalised: 1, version: 1 });
  });
});
