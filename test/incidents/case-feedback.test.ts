import { expect } from 'chai';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { logSink } from '../helpers/log-sink.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { workingDaysFrom } from '../../src/holidays/index.js';
import * as handling from '../../src/incidents/handling.js';
import { caseCounts, recountCases } from '../../src/incidents/counters.js';
import { IncidentReportModel, ReportNoticeModel } from '../../src/incidents/model.js';
import { vietnamDay } from '../../src/shared/dates.js';
import * as statistics from '../../src/statistics/index.js';
import { asActor, fileAbout, makeWorld, settings, type World } from './world.js';
import { openedByCode, sectionOf, settle } from './reporter.js';

const named = { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', phone: '0912345678' } as const;
const REASON = 'Cán bộ vẫn chưa chào hỏi, hôm qua tôi đến lại vẫn bị nói trống không.';

const post = async (agent: Agent, action: string, fields: Record<string, string>, page = '/tra-cuu/ho-so') => agent.post(action).type('form').send({ _csrf: await csrfFrom(agent, page), ...fields });

describe("the reporter's questionnaire and 'not resolved'", () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when the case is still open, then no questionnaire shows and an answer sent anyway gets 409 with why', async () => {
    const { report, trackingCode } = await fileAbout(w, {});
    await settle(w, String(report._id), { findingOnly: true });
    const citizen = await openedByCode(testApp(), trackingCode);
    expect((await citizen.get('/tra-cuu/ho-so')).text).not.to.contain('Bạn có hài lòng với kết quả xử lý?');
    const early = await post(citizen, '/tra-cuu/ho-so/danh-gia', { level: 'SATISFIED' });
    expect(early.status).to.equal(409);
    expect(early.text).to.contain('Phản ánh chưa được giải quyết xong nên chưa thể đánh giá kết quả.');
    const reopen = await post(citizen, '/tra-cuu/ho-so/chua-giai-quyet', { reason: REASON });
    expect(reopen.status).to.equal(409);
    expect((await IncidentReportModel.findById(report._id).lean())!.feedback).to.deep.equal([]);

    // A browser that opened no case cannot answer for one.
    const stranger = agentFor(testApp());
    const _csrf = await csrfFrom(stranger, '/tra-cuu');
    expect((await stranger.post('/tra-cuu/ho-so/danh-gia').type('form').send({ _csrf, level: 'SATISFIED' })).status).to.equal(404);
    expect((await stranger.post('/tra-cuu/ho-so/chua-giai-quyet').type('form').send({ _csrf, reason: REASON })).status).to.equal(404);
  });

  it('when the case is settled, then the reporter answers once (level and comment), a second answer gets 409, bad input 422, no token 403, and the audit names no one', async () => {
    const { report, trackingCode } = await fileAbout(w, {}, { reporter: named });
    await settle(w, String(report._id));
    const citizen = await openedByCode(testApp(), trackingCode);
    const page = await citizen.get('/tra-cuu/ho-so');
    const questionnaire = sectionOf(page.text, 'data-questionnaire');
    expect(questionnaire).to.contain('Bạn có hài lòng với kết quả xử lý?').and.to.contain('value="SATISFIED"').and.to.contain('value="NEUTRAL"').and.to.contain('value="DISSATISFIED"');
    expect(questionnaire).to.contain('Sự việc chưa được giải quyết?');

    const none = await post(citizen, '/tra-cuu/ho-so/danh-gia', { level: 'VERY_HAPPY', comment: 'Giữ lại góp ý này' });
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Vui lòng chọn một mức đánh giá.').and.to.contain('Giữ lại góp ý này');
    expect((await citizen.post('/tra-cuu/ho-so/danh-gia').type('form').send({ level: 'SATISFIED' })).status).to.equal(403);

    const answered = await post(citizen, '/tra-cuu/ho-so/danh-gia', { level: 'NEUTRAL', comment: 'Xử lý được nhưng hơi lâu.' });
    expect(answered.status).to.equal(302);
    expect(answered.headers.location).to.equal('/tra-cuu/ho-so');
    const after = await citizen.get('/tra-cuu/ho-so');
    expect(after.text).to.contain('Cảm ơn bạn đã đánh giá kết quả xử lý.').and.to.contain('Bạn đã đánh giá kết quả xử lý: Bình thường.').and.not.to.contain('name="level"');

    const again = await post(citizen, '/tra-cuu/ho-so/danh-gia', { level: 'SATISFIED' });
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('Bạn đã gửi ý kiến về kết quả xử lý lần này; mỗi lần giải quyết chỉ gửi được một ý kiến.');
    expect((await post(citizen, '/tra-cuu/ho-so/chua-giai-quyet', { reason: REASON })).status).to.equal(409);

    const stored = (await IncidentReportModel.findById(report._id).lean())!;
    expect(stored.feedback.map((f) => [f.answer, f.comment])).to.deep.equal([['NEUTRAL', 'Xử lý được nhưng hơi lâu.']]);
    expect(stored.status).to.equal('RESOLVED');
    const audit = await AuditEntryModel.find({ objectId: report._id, action: 'reporterFeedback' }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]!.actorId).to.equal(null);
    expect(JSON.stringify(audit)).not.to.contain('Hoàng Văn Tỵ').and.not.to.contain('hơi lâu');

    // The handler reads the answer on the case.
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    expect(sectionOf((await head.get(`/reports/${report._id}`)).text, 'data-reporter-feedback')).to.contain('Bình thường').and.to.contain('Xử lý được nhưng hơi lâu.');
  });

  it('when ten answers of one reporter arrive at once, then one is stored and nine get 409', async () => {
    const { report, trackingCode } = await fileAbout(w, {});
    await settle(w, String(report._id));
    const citizen = await openedByCode(testApp({ REPORT_RATE_LIMIT_PER_HOUR: '1000' }), trackingCode);
    const _csrf = await csrfFrom(citizen, '/tra-cuu/ho-so');
    const levels = ['SATISFIED', 'NEUTRAL', 'DISSATISFIED'];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 ? citizen.post('/tra-cuu/ho-so/danh-gia').type('form').send({ _csrf, level: levels[i % 3] }) : citizen.post('/tra-cuu/ho-so/chua-giai-quyet').type('form').send({ _csrf, reason: `${REASON} (${i})` }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const stored = (await IncidentReportModel.findById(report._id).lean())!;
    expect(stored.feedback).to.have.length(1);
    expect(stored.history.filter((h) => h.byReporter)).to.have.length(stored.feedback[0]!.answer === 'NOT_RESOLVED' ? 1 : 0);
  });

  it('when the reporter says it is not resolved, then the case goes back to review with a new deadline, a history entry, their reason as a message, an audit entry naming no one and the counters moved; once only until the handler settles it again', async () => {
    const { report, trackingCode } = await fileAbout(w, {}, { reporter: named });
    const id = String(report._id);
    await settle(w, id, { finding: 'PARTLY_SUBSTANTIATED', confirmed: ['X1'] });
    const citizen = await openedByCode(testApp(), trackingCode);
    expect((await caseCounts(w.communeA._id)).byStatus).to.include({ RESOLVED: 1 });

    const empty = await post(citizen, '/tra-cuu/ho-so/chua-giai-quyet', { reason: '  ' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Vui lòng cho biết vì sao sự việc chưa được giải quyết.');
    const mark = logSink.mark();
    const sent = await post(citizen, '/tra-cuu/ho-so/chua-giai-quyet', { reason: REASON });
    expect(sent.status).to.equal(302);
    expect(logSink.since(mark)).not.to.contain(REASON).and.not.to.contain('Hoàng Văn Tỵ');

    const stored = (await IncidentReportModel.findById(id).lean())!;
    expect(stored.status).to.equal('UNDER_REVIEW');
    expect(stored.closedAt).to.equal(null);
    expect(stored.outcome).to.equal(null);
    expect(stored.dueAt!.getTime()).to.equal((await workingDaysFrom(vietnamDay(new Date()), settings.REPORT_DAYS_REVIEW)).getTime());
    const last = stored.history.at(-1)!;
    expect([last.from, last.to, last.byReporter, last.byUserId, last.byName]).to.deep.equal(['RESOLVED', 'UNDER_REVIEW', true, null, '']);
    expect(stored.messages.at(-1)).to.include({ author: 'REPORTER', text: REASON, byName: '' });
    expect(stored.feedback.map((f) => f.answer)).to.deep.equal(['NOT_RESOLVED']);
    const audit = await AuditEntryModel.find({ objectId: stored._id, action: 'reporterReopened' }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]!.actorId).to.equal(null);
    expect(audit[0]!.actorName, 'the audit log’s name for “no user”').to.equal('system');
    expect(JSON.stringify(await AuditEntryModel.find({ objectId: stored._id }).lean())).not.to.contain('Hoàng Văn Tỵ').and.not.to.contain('0912345678').and.not.to.contain(REASON);

    const settledAndOpen = async () => {
      const { byStatus } = await caseCounts(w.communeA._id);
      return { RESOLVED: byStatus.RESOLVED ?? 0, UNDER_REVIEW: byStatus.UNDER_REVIEW ?? 0 };
    };
    expect(await settledAndOpen()).to.deep.equal({ RESOLVED: 0, UNDER_REVIEW: 1 });
    // The counters kept at write time agree with a recount from the cases.
    await recountCases();
    expect(await settledAndOpen()).to.deep.equal({ RESOLVED: 0, UNDER_REVIEW: 1 });

    const notices = await ReportNoticeModel.find({ reportId: stored._id, kind: 'CASE_REOPENED' }).lean();
    expect(notices.map((n) => String(n.userId))).to.deep.equal([String(w.headA._id)]);
    expect(notices[0]!.dueAt!.getTime()).to.equal(stored.dueAt!.getTime());

    const page = await citizen.get('/tra-cuu/ho-so');
    expect(page.text).to.contain('Đã mở lại phản ánh; đơn vị xử lý sẽ xem xét tiếp.').and.to.contain('Bạn báo chưa được giải quyết, phản ánh được mở lại').and.to.contain('data-due-at');
    expect(page.text).not.to.contain('data-questionnaire').and.not.to.contain('data-finding');
    expect((await post(citizen, '/tra-cuu/ho-so/chua-giai-quyet', { reason: REASON })).status).to.equal(409);

    const head = agentFor(testApp());
    await login(head, w.headA.username);
    expect((await head.get('/reports/notices')).text).to.contain(`Người gửi phản ánh ${report.caseNumber} báo chưa được giải quyết`);
    const handlerPage = await head.get(`/reports/${id}`);
    expect(handlerPage.text).to.contain(REASON).and.to.contain('Người gửi báo chưa được giải quyết, phản ánh được mở lại');

    // Settled again: the questionnaire is back, for one more answer.
    const headActor = await asActor(w.headA._id);
    await handling.transition(headActor, id, { to: 'SUBSTANTIATED', note: 'Xác minh lại: có cơ sở' }, settings);
    await handling.transition(headActor, id, { to: 'RESOLVED', note: 'Đã xử lý lại' }, settings);
    expect((await citizen.get('/tra-cuu/ho-so')).text).to.contain('data-questionnaire').and.to.contain('name="level"');
    expect((await post(citizen, '/tra-cuu/ho-so/danh-gia', { level: 'SATISFIED' })).status).to.equal(302);
    expect((await IncidentReportModel.findById(id).lean())!.feedback.map((f) => f.answer)).to.deep.equal(['NOT_RESOLVED', 'SATISFIED']);
  });

  it('when a colleague who filed the report answers from /reports/mine, then it counts like a citizen’s; another colleague gets 403', async () => {
    const nam = await asActor(w.namUser._id);
    const { report } = await fileAbout(w, {}, { reporter: { source: 'PEER', actor: nam, kind: 'PHAN_ANH', anonymous: false } });
    const id = String(report._id);
    await settle(w, id);
    const app = testApp();
    const other = agentFor(app);
    await login(other, w.lanUser.username);
    expect((await post(other, `/reports/mine/${id}/feedback`, { level: 'DISSATISFIED' }, '/reports/mine')).status).to.equal(403);
    const filer = agentFor(app);
    await login(filer, w.namUser.username);
    expect(sectionOf((await filer.get(`/reports/mine/${id}`)).text, 'data-questionnaire')).to.contain(`action="/reports/mine/${id}/feedback"`);
    const answered = await post(filer, `/reports/mine/${id}/feedback`, { level: 'DISSATISFIED' }, `/reports/mine/${id}`);
    expect(answered.status).to.equal(302);
    expect(answered.headers.location).to.equal(`/reports/mine/${id}`);
    expect((await post(filer, `/reports/mine/${id}/feedback`, { level: 'SATISFIED' }, `/reports/mine/${id}`)).status).to.equal(409);
    const audit = await AuditEntryModel.find({ objectId: report._id, action: 'reporterFeedback' }).lean();
    expect(audit.map((a) => a.actorId)).to.deep.equal([null]);
  });

  it('when reporters answer, then the statistics count satisfied, neutral, dissatisfied and reopened per unit and year, and the dashboard shows them with small numbers suppressed', async () => {
    const answers = ['SATISFIED', 'SATISFIED', 'SATISFIED', 'NEUTRAL'] as const;
    const app = testApp({ REPORT_RATE_LIMIT_PER_HOUR: '1000' });
    for (const level of answers) {
      const { report, trackingCode } = await fileAbout(w, {});
      await settle(w, String(report._id));
      expect((await post(await openedByCode(app, trackingCode), '/tra-cuu/ho-so/danh-gia', { level })).status).to.equal(302);
    }
    const reopened = await fileAbout(w, {});
    await settle(w, String(reopened.report._id));
    expect((await post(await openedByCode(app, reopened.trackingCode), '/tra-cuu/ho-so/chua-giai-quyet', { reason: REASON })).status).to.equal(302);
    // Another commune's answer stays in its own figures.
    const elsewhere = await fileAbout(w, { unitId: String(w.communeB._id) });
    await handling.transition(await asActor(w.headB._id), String(elsewhere.report._id), { to: 'CLOSED', note: 'Trùng' }, settings);
    expect((await post(await openedByCode(app, elsewhere.trackingCode), '/tra-cuu/ho-so/danh-gia', { level: 'DISSATISFIED' })).status).to.equal(302);

    const year = reopened.report.year;
    const communeA = (await statistics.figuresUnder(w.communeA, year)).find((u) => u.unitId === String(w.communeA._id))!;
    expect(communeA.figures.handlingFeedback).to.deep.equal({ satisfied: 3, neutral: 1, dissatisfied: 0, reopened: 1 });
    const province = statistics.sumFigures((await statistics.figuresUnder(w.province, year)).map((u) => u.figures));
    expect(province.handlingFeedback).to.deep.equal({ satisfied: 3, neutral: 1, dissatisfied: 1, reopened: 1 });

    const admin = agentFor(app);
    await login(admin, w.admin.username);
    const dash = await admin.get(`/dashboard?unit=${String(w.province._id)}&year=${year}`);
    const cell = (kind: string) => new RegExp(`data-kind="${kind}"><th scope="row">[^<]+</th><td class="num">([^<]+)</td>`).exec(dash.text)?.[1];
    expect([cell('satisfied'), cell('neutral'), cell('dissatisfied'), cell('reopened')]).to.deep.equal(['3', '&lt;3', '&lt;3', '&lt;3']);
  });
});
