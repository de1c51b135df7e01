import { expect } from 'chai';
import mongoose from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, testConfig, type Agent } from '../helpers/app.js';
import { EvaluationModel, PeriodModel } from '../../src/evaluations/model.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { fileReport } from '../../src/incidents/service.js';
import { makeStaff } from '../helpers/factories.js';
import { tenAtOnce } from '../helpers/forms.js';
import { allRated, evaluationOf, finishJob, makeWorld, openPeriodVia, type World } from './world.js';

describe('evaluations: permissions and integrity', () => {
  let w: World;
  let admin: Agent;
  let periodId: string;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    admin = agentFor(testApp());
    await login(admin, w.admin.username);
    periodId = await openPeriodVia(admin, { unitId: String(w.province._id) });
  });

  const as = async (username: string) => {
    const agent = agentFor(testApp());
    await login(agent, username);
    return agent;
  };

  it('when staff of another commune open or self-assess someone else’s evaluation, then 403 and nothing changes', async () => {
    const ev = await evaluationOf(w.lan._id);
    const mai = await as(w.maiUser.username);
    expect((await mai.get(`/evaluations/${String(ev._id)}`)).status).to.equal(403);
    const own = await evaluationOf(w.mai._id);
    const res = await submitForm(mai, `/evaluations/${String(own._id)}`, `/evaluations/${String(ev._id)}/self`, { version: '0', action: 'submit', ...allRated('GOOD') });
    expect(res.status).to.equal(403);
    expect((await evaluationOf(w.lan._id)).version).to.equal(0);
  });

  it('when a head of another commune evaluates, then 403', async () => {
    const ev = await evaluationOf(w.lan._id);
    const headB = await as(w.headB.username);
    const res = await submitForm(headB, '/evaluations/periods', `/evaluations/${String(ev._id)}/evaluate`, { version: '0', action: 'save', ...allRated('GOOD') });
    expect(res.status).to.equal(403);
    expect((await headB.get(`/evaluations/${String(ev._id)}`)).status).to.equal(403);
    expect((await evaluationOf(w.lan._id)).status).to.equal('NOT_STARTED');
  });

  it('when a staff member tries to evaluate, even themself, then 403', async () => {
    const ev = await evaluationOf(w.lan._id);
    const lan = await as(w.lanUser.username);
    const res = await submitForm(lan, `/evaluations/${String(ev._id)}`, `/evaluations/${String(ev._id)}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD') });
    expect(res.status).to.equal(403);
    expect((await evaluationOf(w.lan._id)).evaluated).to.equal(0);
  });

  it('when a head evaluates their own evaluation, then 403: a higher level evaluates the head', async () => {
    const own = await evaluationOf(w.chairA._id);
    const headA = await as(w.headA.username);
    const res = await submitForm(headA, '/evaluations/periods', `/evaluations/${String(own._id)}/evaluate`, { version: '0', action: 'save', ...allRated('GOOD') });
    expect(res.status).to.equal(403);
    const byAdmin = await submitForm(admin, `/evaluations/${String(own._id)}`, `/evaluations/${String(own._id)}/evaluate`, { version: '0', action: 'save', ...allRated('GOOD') });
    expect(byAdmin.status).to.equal(302);
  });

  it('when the period is closed, then self-assessments and evaluations are refused with 409 and a higher level reopens it with a reason', async () => {
    const headA = await as(w.headA.username);
    const lan = await as(w.lanUser.username);
    const ev = await evaluationOf(w.lan._id);
    const page = `/evaluations/${String(ev._id)}`;
    expect((await submitForm(admin, `/evaluations/periods/${periodId}`, `/evaluations/periods/${periodId}/close`, {})).status).to.equal(302);

    const self = await submitForm(lan, '/evaluations', `${page}/self`, { version: '0', action: 'submit', ...allRated('GOOD') });
    expect(self.status).to.equal(409);
    expect(self.text).to.contain('Kỳ đánh giá đã đóng');
    const head = await submitForm(headA, '/evaluations/periods', `${page}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD') });
    expect(head.status).to.equal(409);
    expect((await evaluationOf(w.lan._id)).version).to.equal(0);
    expect((await lan.get(page)).text).to.contain('Kỳ đánh giá không mở');

    // The province opened it, so nobody is above it but the province administrator; a commune head cannot.
    const byHead = await submitForm(headA, '/evaluations/periods', `/evaluations/periods/${periodId}/reopen`, { reason: 'Bổ sung' });
    expect(byHead.status).to.equal(403);
    const noReason = await submitForm(admin, `/evaluations/periods/${periodId}`, `/evaluations/periods/${periodId}/reopen`, { reason: ' ' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.contain('Vui lòng nhập trường này.');
    const reopened = await submitForm(admin, `/evaluations/periods/${periodId}`, `/evaluations/periods/${periodId}/reopen`, { reason: 'Xã Thanh Nưa xin bổ sung đánh giá' });
    expect(reopened.status).to.equal(302);
    const period = await PeriodModel.findById(periodId).lean();
    expect(period!.status).to.equal('OPEN');
    expect(period!.reopenings[0]).to.include({ reason: 'Xã Thanh Nưa xin bổ sung đánh giá', byName: 'Quản trị Sở Nội vụ' });
  });

  it('when a commune opened the period, then its own head cannot reopen it but the province can', async () => {
    const headA = await as(w.headA.username);
    const communePeriod = await openPeriodVia(headA, { unitId: String(w.communeA._id), kind: 'monthly', number: '2', deadline: '10/03/2026' });
    expect((await submitForm(headA, `/evaluations/periods/${communePeriod}`, `/evaluations/periods/${communePeriod}/close`, {})).status).to.equal(302);
    expect((await submitForm(headA, '/evaluations/periods', `/evaluations/periods/${communePeriod}/reopen`, { reason: 'Sai sót' })).status).to.equal(403);
    expect((await submitForm(admin, '/evaluations/periods', `/evaluations/periods/${communePeriod}/reopen`, { reason: 'Sai sót' })).status).to.equal(302);
  });

  it('when two people save the same evaluation from the same version, then the second gets a 409 conflict and the first save stands', async () => {
    const headA = await as(w.headA.username);
    const ev = await evaluationOf(w.lan._id);
    const page = `/evaluations/${String(ev._id)}`;
    const first = await submitForm(headA, page, `${page}/evaluate`, { version: '0', action: 'save', ...allRated('DONE') });
    expect(first.status).to.equal(302);
    const second = await submitForm(admin, page, `${page}/evaluate`, { version: '0', action: 'save', ...allRated('GOOD') });
    expect(second.status).to.equal(409);
    expect(second.text).to.contain('Phiếu này vừa được người khác lưu trong lúc bạn đang sửa');
    expect(second.text).to.contain('name="version" value="1"'); // the form now carries the latest version
    const stored = await evaluationOf(w.lan._id);
    expect(stored.version).to.equal(1);
    expect(stored.headEvaluation.ratings.every((r) => r.level === 'DONE')).to.equal(true);
  });

  it('when ten saves of one evaluation are sent at once from forms showing the same version, then exactly one is stored and the other nine get 409', async () => {
    const ev = await evaluationOf(w.lan._id);
    const page = `/evaluations/${String(ev._id)}`;
    const levels = ['GOOD', 'DONE'];
    const answers = await tenAtOnce(w.headA.username, page, `${page}/evaluate`, (i) => ({ version: '0', action: 'save', ...allRated(levels[i % 2]!) }));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const winner = levels[answers.findIndex((a) => a.status === 302) % 2]!;
    const stored = await evaluationOf(w.lan._id);
    expect(stored.version).to.equal(1);
    expect(stored.headEvaluation.ratings.every((r) => r.level === winner), 'the stored ratings are the winner\'s').to.equal(true);
  });

  it('when a criterion is rated "Chưa thực hiện" without a reason, then 422 with the message beside that field and the values kept', async () => {
    const headA = await as(w.headA.username);
    const ev = await evaluationOf(w.lan._id);
    const page = `/evaluations/${String(ev._id)}`;
    const res = await submitForm(headA, page, `${page}/evaluate`, { version: '0', action: 'save', ...allRated('GOOD'), 'ratings[K3][level]': 'NOT_DONE', 'ratings[L1][reason]': 'Ghi chú giữ lại' });
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/id="reason-err-evaluate-K3">Vui lòng nêu lý do khi đánh giá &#34;Chưa thực hiện&#34;\.</);
    expect(res.text).to.contain('value="Ghi chú giữ lại"');
    expect(res.text).to.match(/name="ratings\[K3\]\[level\]" value="NOT_DONE" checked/);
    const missing = await submitForm(headA, page, `${page}/evaluate`, { version: '0', action: 'save', 'ratings[X1][level]': 'GOOD' });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('Vui lòng chọn mức đánh giá.');
    const badLevel = await submitForm(headA, page, `${page}/evaluate`, { version: '0', action: 'save', ...allRated('EXCELLENT') });
    expect(badLevel.status).to.equal(422);
    expect((await evaluationOf(w.lan._id)).version).to.equal(0);
  });

  it('when a self-assessment is submitted incomplete, then 422; once submitted it cannot be submitted again', async () => {
    const lan = await as(w.lanUser.username);
    const ev = await evaluationOf(w.lan._id);
    const page = `/evaluations/${String(ev._id)}`;
    const partial = await submitForm(lan, page, `${page}/self`, { version: '0', action: 'submit', 'ratings[X1][level]': 'GOOD' });
    expect(partial.status).to.equal(422);
    expect(partial.text).to.contain('Vui lòng chọn mức đánh giá.');
    expect((await submitForm(lan, page, `${page}/self`, { version: '0', action: 'submit', ...allRated('GOOD') })).status).to.equal(302);
    expect((await submitForm(lan, '/evaluations', `${page}/self`, { version: '1', action: 'submit', ...allRated('DONE') })).status).to.equal(409);
  });

  it('when a criterion is rated "Thực hiện tốt" beside a substantiated incident on it in the period, then the head sees its case number and the roster flags it', async () => {
    // A citizen's report about Lan, filed through the reports service, then found substantiated on L2.
    const { report } = await fileReport(
      { unitId: String(w.communeA._id), staffId: String(w.lan._id), criterionCodes: ['L2'], occurredOn: new Date(Date.UTC(2026, 1, 10)), description: 'Cán bộ nói trống không với tôi.' },
      { source: 'CITIZEN', anonymous: true },
      testConfig(),
      new Date(Date.UTC(2026, 1, 11)),
    );
    await IncidentReportModel.updateOne({ _id: report._id }, { $set: { status: 'SUBSTANTIATED', substantiated: true, confirmedCriterionCodes: ['L2'] } });
    const headA = await as(w.headA.username);
    const ev = await evaluationOf(w.lan._id);
    const page = `/evaluations/${String(ev._id)}`;
    const form = await headA.get(page);
    expect(form.text).to.contain(report.caseNumber, 'the head sees the case number');
    const incidentId = String(report._id);
    const res = await submitForm(headA, page, `${page}/evaluate`, { version: '0', action: 'save', ...allRated('GOOD'), linkedReportIds: incidentId });
    expect(res.status).to.equal(302);
    expect((await EvaluationModel.findById(ev._id).lean())!.headEvaluation.linkedReportIds.map(String)).to.deep.equal([incidentId]);
    const roster = await headA.get(`/evaluations/periods/${periodId}`);
    expect(roster.text).to.contain('phản ánh được xác minh: L2');
  });

  it('when a staff member joins after opening, then "add evaluations" creates only the missing one', async () => {
    await makeStaff({ fullName: 'Tòng Văn Mới', unit: w.communeB });
    const res = await submitForm(admin, `/evaluations/periods/${periodId}`, `/evaluations/periods/${periodId}/sync`, {});
    expect(res.status).to.equal(303);
    await finishJob(admin, res.headers.location as string, `/evaluations/periods/${periodId}`);
    expect(await EvaluationModel.countDocuments({ periodId })).to.equal(5);
    const again = await submitForm(admin, `/evaluations/periods/${periodId}`, `/evaluations/periods/${periodId}/sync`, {});
    await finishJob(admin, again.headers.location as string, `/evaluations/periods/${periodId}`);
    expect(await EvaluationModel.countDocuments({ periodId })).to.equal(5);
    expect((await PeriodModel.findById(periodId).lean())!.evaluationCount).to.equal(5);
  });

  it('when the same period key is opened again below, then people already covered get no second evaluation', async () => {
    const headA = await as(w.headA.username);
    const created = await submitForm(headA, '/evaluations/periods/new', '/evaluations/periods', { unitId: String(w.communeA._id), kind: 'quarterly', year: '2026', number: '1', deadline: '15/04/2026' });
    expect(created.status).to.equal(302);
    const id = (created.headers.location as string).split('/').pop()!;
    const opened = await submitForm(headA, created.headers.location as string, `/evaluations/periods/${id}/open`, {});
    await finishJob(headA, opened.headers.location as string, created.headers.location as string);
    expect(await EvaluationModel.countDocuments({ periodId: id })).to.equal(0);
    const dup = await submitForm(headA, '/evaluations/periods/new', '/evaluations/periods', { unitId: String(w.communeA._id), kind: 'quarterly', year: '2026', number: '1', deadline: '15/04/2026' });
    expect(dup.status).to.equal(422);
    expect(dup.text).to.contain('Đơn vị đã có kỳ đánh giá này.');
  });

  it('when a quarterly period is asked for quarter 9 or a monthly one for month 0, then 422 naming the range at the field, and no period is made', async () => {
    const headA = await as(w.headA.username);
    const quarter = await submitForm(headA, '/evaluations/periods/new', '/evaluations/periods', { unitId: String(w.communeA._id), kind: 'quarterly', year: '2026', number: '9', deadline: '15/04/2026' });
    expect(quarter.status).to.equal(422);
    expect(quarter.text).to.contain('Kỳ quý: nhập quý từ 1 đến 4.');
    const month = await submitForm(headA, '/evaluations/periods/new', '/evaluations/periods', { unitId: String(w.communeA._id), kind: 'monthly', year: '2026', number: '0', deadline: '15/04/2026' });
    expect(month.status).to.equal(422);
    expect(month.text).to.contain('Kỳ tháng: nhập tháng từ 1 đến 12.');
    expect(await PeriodModel.countDocuments({ unitId: w.communeA._id })).to.equal(0);
  });
});
