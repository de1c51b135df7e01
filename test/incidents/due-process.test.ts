import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { workingDaysFrom } from '../../src/holidays/index.js';
import { IncidentReportModel, ReportNoticeModel } from '../../src/incidents/model.js';
import { recordExplanation, recordHandOver, recordReviewRequest, requestReview } from '../../src/incidents/due-process.js';
import { transition } from '../../src/incidents/handling.js';
import { formatDate, vietnamDay } from '../../src/shared/dates.js';
import { asActor, day, fileAbout, makeWorld, settings, type World } from './world.js';

async function as(username: string): Promise<Agent> {
  const agent = agentFor(testApp());
  await login(agent, username);
  return agent;
}

const move = (agent: Agent, id: string, to: string, note = `Chuyển sang ${to}`) => submitForm(agent, `/reports/${id}`, `/reports/${id}/transition`, { to, note });
const stored = async (id: string) => (await IncidentReportModel.findById(id).lean())!;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const named = { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', phone: '0912345678' } as const;

describe('due process for every person a case is about', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a case about a person without a login is under review, then a finding before the explanation deadline is refused naming the deadline, and the case page says why no finding is offered', async () => {
    const id = String((await fileAbout(w, { staffId: String(w.binh._id) })).report._id);
    const head = await as(w.headA.username);
    expect((await move(head, id, 'UNDER_REVIEW', 'Yêu cầu giải trình')).status).to.equal(302);
    const due = (await stored(id)).explanation!.dueAt!;
    expect(due.getTime()).to.equal((await workingDaysFrom(vietnamDay(), settings.EXPLANATION_DAYS)).getTime());

    for (const to of ['SUBSTANTIATED', 'NOT_SUBSTANTIATED']) {
      const early = await move(head, id, to, 'Kết luận ngay');
      expect(early.status).to.equal(409);
      expect(early.text).to.contain(`còn thời hạn giải trình đến hết ngày ${formatDate(due)}`);
    }
    expect((await stored(id)).status).to.equal('UNDER_REVIEW');

    const page = (await head.get(`/reports/${id}`)).text;
    expect(page).to.contain('data-finding-waits').and.to.contain(`đến hết ngày ${formatDate(due)}`);
    expect(page).not.to.contain('<option value="SUBSTANTIATED"').and.not.to.contain('<option value="NOT_SUBSTANTIATED"');
    expect(page).to.contain('action="/reports/' + id + '/explanation"');
  });

  it('when the handler records an explanation received on paper, then it is kept with the day, the way and who recorded it, audited, and the finding is allowed and quotes it', async () => {
    const id = String((await fileAbout(w, { staffId: String(w.binh._id) }, { reporter: named })).report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW');
    const today = isoDay(vietnamDay());

    const empty = await submitForm(head, `/reports/${id}`, `/reports/${id}/explanation`, { channel: 'PAPER', receivedOn: today, text: '' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Vui lòng nhập nội dung hoặc tóm tắt giải trình');
    const future = await submitForm(head, `/reports/${id}`, `/reports/${id}/explanation`, { channel: 'PAPER', receivedOn: '2099-01-01', text: 'Bản giải trình' });
    expect(future.status).to.equal(422);
    expect(future.text).to.contain('Ngày không thể sau hôm nay').and.to.contain('Bản giải trình');

    const text = 'Bản giải trình viết tay: hôm đó mất điện, tôi không in được phiếu hẹn.';
    expect((await submitForm(head, `/reports/${id}`, `/reports/${id}/explanation`, { channel: 'PAPER', receivedOn: today, text })).status).to.equal(302);
    const explained = (await stored(id)).explanation!;
    expect(explained.channel).to.equal('PAPER');
    expect(isoDay(explained.receivedOn!)).to.equal(today);
    expect(explained.recordedByName).to.equal('Lò Văn Phích');
    const again = await submitForm(head, `/reports/${id}`, `/reports/${id}/explanation`, { channel: 'IN_PERSON', receivedOn: today, text: 'Lần hai' });
    expect(again.status).to.equal(409);

    const page = (await head.get(`/reports/${id}`)).text;
    expect(page).to.contain('bằng văn bản (bản giấy)').and.to.contain('Người ghi nhận: Lò Văn Phích').and.not.to.contain('data-finding-waits');
    expect((await move(head, id, 'SUBSTANTIATED', 'Có cơ sở; đã xem giải trình')).status).to.equal(302);
    expect((await stored(id)).finding!.explanationSummary).to.equal(text);

    const audit = await AuditEntryModel.findOne({ objectId: id, action: 'explanationRecorded' }).lean();
    expect(audit!.actorName).to.equal('Lò Văn Phích');
    expect(JSON.stringify(audit)).to.contain('PAPER').and.not.to.contain('Hoàng Văn Tỵ').and.not.to.contain('0912345678');
  });

  it('when the subject declined to explain and the handler records it, then no text is needed and the finding may follow', async () => {
    const id = String((await fileAbout(w, { staffId: String(w.binh._id) })).report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW');
    expect((await submitForm(head, `/reports/${id}`, `/reports/${id}/explanation`, { channel: 'DECLINED', receivedOn: isoDay(vietnamDay()), text: '' })).status).to.equal(302);
    expect((await stored(id)).explanation!.channel).to.equal('DECLINED');
    expect((await head.get(`/reports/${id}`)).text).to.contain('người liên quan từ chối giải trình');
    expect((await move(head, id, 'NOT_SUBSTANTIATED', 'Không đủ căn cứ')).status).to.equal(302);
  });

  it('when a person without a login is concluded about, then no notice goes anywhere, the handler records the handing-over, and the review window runs from that day', async () => {
    const id = String((await fileAbout(w, { staffId: String(w.binh._id) }, { reporter: named })).report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW');
    await submitForm(head, `/reports/${id}`, `/reports/${id}/explanation`, { channel: 'IN_PERSON', receivedOn: isoDay(vietnamDay()), text: 'Trình bày trực tiếp tại trụ sở.' });
    await move(head, id, 'SUBSTANTIATED', 'Có cơ sở');
    expect(await ReportNoticeModel.countDocuments({ reportId: id, kind: 'CONCLUSION' })).to.equal(0);
    expect((await stored(id)).conclusion!.notifiedOn).to.equal(null);

    const page = (await head.get(`/reports/${id}`)).text;
    expect(page).to.contain('data-record-handover').and.to.contain('chưa được thông báo kết luận');
    const today = vietnamDay();
    expect((await submitForm(head, `/reports/${id}`, `/reports/${id}/conclusion`, { channel: 'PAPER', notifiedOn: '2099-01-01' })).status).to.equal(422);
    expect((await submitForm(head, `/reports/${id}`, `/reports/${id}/conclusion`, { channel: 'PAPER', notifiedOn: isoDay(today) })).status).to.equal(302);
    const conclusion = (await stored(id)).conclusion!;
    expect(conclusion.channel).to.equal('PAPER');
    expect(conclusion.recordedByName).to.equal('Lò Văn Phích');
    expect(conclusion.reviewDueAt!.getTime()).to.equal((await workingDaysFrom(today, settings.REVIEW_REQUEST_DAYS)).getTime());
    const after = (await head.get(`/reports/${id}`)).text;
    expect(after).to.contain(`Đã thông báo kết luận ngày ${formatDate(today)} (gửi văn bản)`).and.to.contain(`đến hết ngày ${formatDate(conclusion.reviewDueAt)}`).and.to.contain('data-record-review');
    const audit = await AuditEntryModel.findOne({ objectId: id, action: 'conclusionHandedOver' }).lean();
    expect(audit!.actorName).to.equal('Lò Văn Phích');
    expect(JSON.stringify(audit)).not.to.contain('Hoàng Văn Tỵ');
  });

  it('when a paper review request is recorded, then it is accepted within the window (reopening the case) and refused once the window has passed (frozen clock)', async () => {
    // Concluded and handed over on Monday 2/3/2026: the window ends REVIEW_REQUEST_DAYS working days later.
    const t0 = new Date('2026-03-02T02:00:00Z');
    const head = await asActor(w.headA._id);
    const concludedOn = async () => {
      const id = String((await fileAbout(w, { staffId: String(w.binh._id) }, { now: t0 })).report._id);
      await transition(head, id, { to: 'UNDER_REVIEW', note: 'Xem xét' }, settings, t0);
      await recordExplanation(head, id, { channel: 'PAPER', receivedOn: day('2026-03-02'), text: 'Giải trình bằng giấy' }, t0);
      await transition(head, id, { to: 'SUBSTANTIATED', note: 'Có cơ sở' }, settings, t0);
      await recordHandOver(head, id, { channel: 'IN_PERSON', notifiedOn: day('2026-03-02') }, settings, t0);
      return id;
    };
    const inTime = await concludedOn();
    const due = (await stored(inTime)).conclusion!.reviewDueAt!;
    expect(due.getTime()).to.equal((await workingDaysFrom(day('2026-03-02'), settings.REVIEW_REQUEST_DAYS)).getTime());

    const lastDay = new Date(due.getTime() + 10 * 3_600_000);
    await recordReviewRequest(head, inTime, { receivedOn: due, reason: 'Tôi không đồng ý với kết luận.' }, settings, lastDay);
    const reopened = await stored(inTime);
    expect(reopened.status).to.equal('UNDER_REVIEW');
    expect(reopened.reviewRequests.map((r) => [r.finding, r.bySubject, r.reason])).to.deep.equal([['SUBSTANTIATED', false, 'Tôi không đồng ý với kết luận.']]);
    expect(reopened.conclusion!.notifiedOn).to.equal(null);
    expect(reopened.history.at(-1)!.to).to.equal('UNDER_REVIEW');
    expect(await AuditEntryModel.countDocuments({ objectId: reopened._id, action: 'reviewRequestRecorded' })).to.equal(1);
    // The explanation stays in: the new finding need not wait again.
    await transition(head, inTime, { to: 'NOT_SUBSTANTIATED', note: 'Xem xét lại: không có cơ sở' }, settings, lastDay);

    const late = await concludedOn();
    const dayAfter = new Date(due.getTime() + 86_400_000);
    const refused = await recordReviewRequest(head, late, { receivedOn: dayAfter, reason: 'Muộn' }, settings, new Date(dayAfter.getTime() + 3_600_000)).catch((e: unknown) => e);
    expect(refused).to.have.property('messageKey', 'reports.errors.reviewWindowPassed');
    expect(refused).to.have.property('status', 409);
    expect((await stored(late)).status).to.equal('SUBSTANTIATED');

    // Over HTTP today, long after the window: a clear message naming its last day.
    const agent = await as(w.headA.username);
    const page = (await agent.get(`/reports/${late}`)).text;
    expect(page).to.contain(`Đã hết thời hạn đề nghị xem xét lại (hết ngày ${formatDate(due)})`).and.not.to.contain('data-record-review');
    const answer = await submitForm(agent, `/reports/${late}`, `/reports/${late}/review`, { requestReceivedOn: isoDay(vietnamDay()), requestText: 'Xin xem xét lại' });
    expect(answer.status).to.equal(409);
    expect(answer.text).to.contain(`Đã hết thời hạn đề nghị xem xét lại kết luận (hết ngày ${formatDate(due)})`);
  });

  it('when a staff member with a login is concluded about, then they are told in-app without the reporter, and ask for a review from their own page once', async () => {
    const { report } = await fileAbout(w, { staffId: String(w.lan._id) }, { reporter: named });
    const id = String(report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW');
    const lan = await as(w.lanUser.username);
    await submitForm(lan, `/reports/explanations/${id}`, `/reports/explanations/${id}`, { text: 'Tôi đã xin lỗi người dân.' });
    expect((await move(head, id, 'SUBSTANTIATED', 'Có cơ sở')).status).to.equal(302);

    const notices = await ReportNoticeModel.find({ reportId: id, kind: 'CONCLUSION' }).lean();
    expect(notices.map((n) => String(n.userId))).to.deep.equal([String(w.lanUser._id)]);
    const conclusion = (await stored(id)).conclusion!;
    expect(conclusion.channel).to.equal('IN_APP');
    expect(formatDate(notices[0]!.dueAt)).to.equal(formatDate(conclusion.reviewDueAt));
    const list = (await lan.get('/reports/notices')).text;
    expect(list).to.contain(`Đã có kết luận về phản ánh ${report.caseNumber}`).and.not.to.contain('Hoàng Văn Tỵ');

    const own = (await lan.get(`/reports/explanations/${id}`)).text;
    expect(own).to.contain('Kết luận: Có cơ sở').and.to.contain('data-review-form').and.to.contain(`đến hết ngày ${formatDate(conclusion.reviewDueAt)}`);
    expect(own).not.to.contain('Hoàng Văn Tỵ').and.not.to.contain('0912345678');
    expect((await submitForm(lan, `/reports/explanations/${id}`, `/reports/explanations/${id}/review`, { reason: '' })).status).to.equal(422);
    expect((await submitForm(lan, `/reports/explanations/${id}`, `/reports/explanations/${id}/review`, { reason: 'Hôm đó hệ thống lỗi, không phải do tôi.' })).status).to.equal(302);

    const reopened = await stored(id);
    expect(reopened.status).to.equal('UNDER_REVIEW');
    expect(reopened.reviewRequests.map((r) => [r.bySubject, r.reason])).to.deep.equal([[true, 'Hôm đó hệ thống lỗi, không phải do tôi.']]);
    const toHeads = await ReportNoticeModel.find({ reportId: id, kind: 'REVIEW_REQUESTED' }).lean();
    expect(toHeads.map((n) => String(n.userId))).to.deep.equal([String(w.headA._id)]);
    expect((await head.get(`/reports/${id}`)).text).to.contain('người liên quan gửi trên hệ thống');
    const audit = await AuditEntryModel.findOne({ objectId: id, action: 'reviewRequested' }).lean();
    expect(audit!.actorName).to.equal('Quàng Thị Lan');
    expect(JSON.stringify(audit)).not.to.contain('Hoàng Văn Tỵ');

    const twice = await requestReview(await asActor(w.lanUser._id), id, 'Lần nữa', settings).catch((e: unknown) => e);
    expect(twice).to.have.property('messageKey', 'reports.errors.reviewNotOpen');
  });

  it('when the head of another commune or a staff member tries to record for the subject, then 403 and nothing changes', async () => {
    const id = String((await fileAbout(w, { staffId: String(w.binh._id) })).report._id);
    await move(await as(w.headA.username), id, 'UNDER_REVIEW');
    const today = isoDay(vietnamDay());
    const other = await as(w.headB.username);
    expect((await submitForm(other, '/reports', `/reports/${id}/explanation`, { channel: 'PAPER', receivedOn: today, text: 'Giả mạo' })).status).to.equal(403);
    expect((await submitForm(other, '/reports', `/reports/${id}/conclusion`, { channel: 'PAPER', notifiedOn: today })).status).to.equal(403);
    expect((await submitForm(other, '/reports', `/reports/${id}/review`, { requestReceivedOn: today, requestText: 'x' })).status).to.equal(403);
    const staff = await as(w.namUser.username);
    expect((await submitForm(staff, '/reports/notices', `/reports/${id}/explanation`, { channel: 'PAPER', receivedOn: today, text: 'x' })).status).to.equal(403);
    const after = await stored(id);
    expect(after.explanation!.submittedAt).to.equal(null);
    expect(await AuditEntryModel.countDocuments({ objectId: after._id, action: 'explanationRecorded' })).to.equal(0);
  });

  it('when a case stored before these fields (an online explanation, no channel, no conclusion) is opened, then the page reads as before and the finding goes through', async () => {
    const id = String((await fileAbout(w, { staffId: String(w.lan._id) })).report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW');
    await IncidentReportModel.collection.updateOne(
      { _id: (await stored(id))._id },
      {
        $set: { 'explanation.text': 'Giải trình cũ', 'explanation.submittedAt': new Date() },
        $unset: { 'explanation.channel': '', 'explanation.receivedOn': '', 'explanation.recordedByUserId': '', 'explanation.recordedByName': '', conclusion: '', reviewRequests: '' },
      },
    );
    const page = await head.get(`/reports/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Giải trình cũ').and.to.contain('người liên quan tự gửi trên hệ thống');
    expect((await move(head, id, 'SUBSTANTIATED', 'Có cơ sở')).status).to.equal(302);
    expect((await stored(id)).conclusion!.channel).to.equal('IN_APP');
  });
});
