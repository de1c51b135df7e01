import { yearRecords } from '../../src/evaluations/classification.js';
import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { ClassificationModel, EvaluationModel, PeriodModel } from '../../src/evaluations/model.js';
import { allRated, evaluationOf, makeWorld, openPeriodVia, type World } from './world.js';

describe('evaluations: the whole cycle', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when the administrator opens a province period, then one evaluation per active staff member is created with its unit and catalogue version', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id) });
    const period = await PeriodModel.findById(periodId).lean();
    expect(period!.status).to.equal('OPEN');
    expect(period!.periodKey).to.equal('2026-Q1');
    expect(period!.endDate.toISOString()).to.equal('2026-03-31T00:00:00.000Z');
    expect(String(period!.codeVersionId)).to.equal(String(w.code._id));
    const evaluations = await EvaluationModel.find({ periodId }).sort({ sortKey: 1 }).lean();
    // Bình, Lan, Mai, Phích — sorted by given name; the inactive person has none.
    expect(evaluations.map((e) => e.staffName)).to.deep.equal(['Lường Văn Bình', 'Quàng Thị Lan', 'Vàng Thị Mai', 'Lò Văn Phích']);
    const lan = evaluations.find((e) => e.staffId.equals(w.lan._id))!;
    expect(String(lan.unitId)).to.equal(String(w.deskA._id));
    expect(String(lan.reportingUnitId)).to.equal(String(w.communeA._id));
    expect(period!.evaluationCount).to.equal(4);
    expect(await AuditEntryModel.countDocuments({ objectType: 'period', objectId: period!._id })).to.equal(2);
  });

  it('when a person self-assesses, the head evaluates, finalises and amends, and the year is classified, then every step is stored, visible and audited', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    await openPeriodVia(admin, { unitId: String(w.province._id) });
    const ev = await evaluationOf(w.lan._id);
    const evPath = `/evaluations/${String(ev._id)}`;

    // Self-assessment: a draft with one rating, then the full submission.
    const lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    expect((await lan.get('/evaluations')).text).to.contain('2026-Q1');
    const draft = await submitForm(lan, evPath, `${evPath}/self`, { version: '0', action: 'draft', 'ratings[X1][level]': 'GOOD', 'ratings[X1][comment]': 'Luôn chào hỏi' });
    expect(draft.status).to.equal(302);
    let stored = await evaluationOf(w.lan._id);
    expect(stored.status).to.equal('NOT_STARTED');
    expect(stored.selfAssessment.ratings.map((r) => r.criterionCode)).to.deep.equal(['X1']);
    const submit = await submitForm(lan, evPath, `${evPath}/self`, { version: '1', action: 'submit', overallComment: 'Hoàn thành tốt', ...allRated('GOOD', { X1: { comment: 'Luôn chào hỏi' } }) });
    expect(submit.status).to.equal(302);
    stored = await evaluationOf(w.lan._id);
    expect(stored.status).to.equal('SELF_ASSESSED');
    expect(stored.selfAssessment.ratings).to.have.length(13);
    expect(stored.selfAssessment.ratings[0]!.score).to.equal(2);

    // The head sees the self-assessment beside the form, rates two criteria and fills the rest.
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    const form = await head.get(evPath);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Đánh giá các tiêu chí còn lại là');
    expect(form.text).to.contain('Luôn chào hỏi'); // the self-assessment beside the head's form
    const evaluated = await submitForm(head, evPath, `${evPath}/evaluate`, {
      version: '2',
      action: 'fillGood',
      'ratings[L2][level]': 'DONE',
      'ratings[K1][level]': 'NOT_DONE',
      'ratings[K1][reason]': 'Bị công dân phản ánh to tiếng ngày 12/02',
    });
    expect(evaluated.status).to.equal(302);
    stored = await evaluationOf(w.lan._id);
    expect(stored.status).to.equal('EVALUATED');
    const byCode = new Map(stored.headEvaluation.ratings.map((r) => [r.criterionCode, r]));
    expect(byCode.get('K1')).to.include({ level: 'NOT_DONE', score: 0, bulk: false });
    expect(byCode.get('L2')).to.include({ level: 'DONE', bulk: false });
    expect(byCode.get('X1')).to.include({ level: 'GOOD', bulk: true });
    expect(stored.breachedCount).to.equal(1);
    expect(stored.totalScore).to.equal(11 * 2 + 1);
    expect(stored.disagreementCodes).to.deep.equal(['K1']);

    // The roster flags the two-step disagreement.
    const periodPath = `/evaluations/periods/${String(stored.periodId)}`;
    const roster = await head.get(periodPath);
    expect(roster.status).to.equal(200);
    expect(roster.text).to.contain('lệch hai mức: K1');
    expect(roster.text).to.not.contain('Vàng Thị Mai'); // another commune's person is outside this head's roster

    // Finalise with the same ratings; the person now sees the head's result.
    const fields = { ...allRated('GOOD'), 'ratings[L2][level]': 'DONE', 'ratings[K1][level]': 'NOT_DONE', 'ratings[K1][reason]': 'Bị công dân phản ánh to tiếng ngày 12/02' };
    const finalised = await submitForm(head, evPath, `${evPath}/evaluate`, { version: '3', action: 'finalise', ...fields });
    expect(finalised.status).to.equal(302);
    stored = await evaluationOf(w.lan._id);
    expect(stored.status).to.equal('FINALISED');
    expect(stored.headEvaluation.finalisedAt).to.be.instanceOf(Date);
    expect(stored.headEvaluation.ratings.find((r) => r.criterionCode === 'X1')!.bulk).to.equal(true);
    expect((await lan.get(evPath)).text).to.contain('Bị công dân phản ánh to tiếng');

    // A finalised evaluation is not edited in place…
    const inPlace = await submitForm(head, evPath, `${evPath}/evaluate`, { version: '4', action: 'save', ...allRated('GOOD') });
    expect(inPlace.status).to.equal(409);
    // …but amended with a reason, keeping the original.
    const amended = await submitForm(head, evPath, `${evPath}/amend`, { version: '4', reason: 'Xác minh lại: công dân rút phản ánh', ...fields, 'ratings[K1][level]': 'DONE' });
    expect(amended.status).to.equal(302);
    stored = await evaluationOf(w.lan._id);
    expect(stored.amendments).to.have.length(1);
    expect(stored.amendments[0]!.before.find((r) => r.criterionCode === 'K1')!.level).to.equal('NOT_DONE');
    expect(stored.amendments[0]!.after.find((r) => r.criterionCode === 'K1')!.level).to.equal('DONE');
    expect(stored.amendments[0]!.authorName).to.equal('Lò Văn Phích');
    expect(stored.breachedCount).to.equal(0);
    expect(stored.disagreementCodes).to.deep.equal([]);
    const history = await lan.get(evPath);
    expect(history.text).to.contain('Xác minh lại: công dân rút phản ánh');
    expect(history.text).to.contain('K1: Chưa thực hiện → Thực hiện');

    const actions = (await AuditEntryModel.find({ objectType: 'evaluation', objectId: ev._id }).sort({ at: 1 }).lean()).map((a) => a.action);
    expect(actions).to.deep.equal(['selfAssessment.save', 'selfAssessment.submit', 'evaluate', 'finalise', 'amend']);

    // Yearly classification (2026: the points scheme), shown to the person.
    const classifyPath = `/evaluations/classifications/${String(w.lan._id)}/2026`;
    const page = await head.get(classifyPath);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Nghị định 335/2025');
    const noReason = await submitForm(head, classifyPath, classifyPath, { version: '0', generalPoints: '25', taskPoints: '60', level: 'OUTSTANDING' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.contain('Vui lòng nêu lý do khi quyết định khác với mức gợi ý.');
    const classified = await submitForm(head, classifyPath, classifyPath, { version: '0', generalPoints: '25', taskPoints: '60', level: 'GOOD' });
    expect(classified.status).to.equal(302);
    const c = await ClassificationModel.findOne({ staffId: w.lan._id, year: 2026 }).lean();
    expect(c).to.include({ level: 'GOOD', suggestedLevel: 'GOOD', ruleSetId: '2026+', generalPoints: 25, taskPoints: 60 });
    expect((await lan.get('/evaluations')).text).to.contain('Hoàn thành tốt nhiệm vụ');
    expect(await AuditEntryModel.countDocuments({ objectType: 'classification', objectId: c!._id })).to.equal(1);
  });

  it('when the head finalises, then the per-criterion results and completion by commune are summed by the database', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id), deadline: '01/04/2026' });
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    for (const staffId of [w.lan._id, w.binh._id]) {
      const ev = await evaluationOf(staffId);
      const res = await submitForm(head, `/evaluations/${String(ev._id)}`, `/evaluations/${String(ev._id)}/evaluate`, {
        version: '0',
        action: 'finalise',
        ...allRated('GOOD'),
        'ratings[X2][level]': 'NOT_DONE',
        'ratings[X2][reason]': 'Không xin lỗi khi trả hồ sơ muộn',
      });
      expect(res.status).to.equal(302);
    }
    const roster = await head.get(`/evaluations/periods/${periodId}`);
    expect(roster.text).to.match(/X2 — Xin lỗi<\/td><td>0<\/td><td>0<\/td><td>2<\/td>/);
    const completion = await admin.get(`/evaluations/periods/${periodId}/completion`);
    expect(completion.status).to.equal(200);
    // Thanh Nưa (with its desk) has 2 of 3 finalised; Mường Nhé 0 of 1 — the least complete comes first.
    expect(completion.text.indexOf('Xã Mường Nhé')).to.be.lessThan(completion.text.indexOf('Xã Thanh Nưa'));
    expect(completion.text).to.contain('2 (66,7%)'); // one decimal, as the dashboard shows a share
    expect(completion.text).to.contain('Chậm'); // the deadline of 01/04/2026 has passed
  });
  it('when two people are finalised differently, then each one\'s year record keeps their own per-criterion results', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    await openPeriodVia(admin, { unitId: String(w.province._id), deadline: '01/04/2026' });
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    const finalise = async (staffId: typeof w.lan._id, extra: Record<string, string>) => {
      const ev = await evaluationOf(staffId);
      const res = await submitForm(head, `/evaluations/${String(ev._id)}`, `/evaluations/${String(ev._id)}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD'), ...extra });
      expect(res.status).to.equal(302);
    };
    await finalise(w.lan._id, {});
    await finalise(w.binh._id, { 'ratings[K1][level]': 'NOT_DONE', 'ratings[K1][reason]': 'Hách dịch với người dân', 'ratings[L1][level]': 'DONE' });
    const records = await yearRecords([w.lan._id, w.binh._id], 2026);
    const tally = (staffId: typeof w.lan._id, code: string) => records.get(String(staffId))!.perCriterion.find((t) => t.criterionCode === code);
    expect(records.get(String(w.lan._id))!.perCriterion).to.have.length(13);
    expect(tally(w.lan._id, 'K1')).to.deep.include({ good: 1, done: 0, breached: 0 });
    expect(tally(w.binh._id, 'K1')).to.deep.include({ good: 0, done: 0, breached: 1 });
    expect(tally(w.binh._id, 'L1')).to.deep.include({ good: 0, done: 1, breached: 0 });
    expect(records.get(String(w.lan._id))!.summary).to.deep.include({ good: 13, rated: 13 });
    expect(records.get(String(w.binh._id))!.summary).to.deep.include({ good: 11, rated: 13 });
  });
});
