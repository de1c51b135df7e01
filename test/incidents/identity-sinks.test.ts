import { expect } from 'chai';
import mongoose from 'mongoose';
import { AuditEntryModel } from '../../src/audit/model.js';
import { UserModel } from '../../src/auth/model.js';
import { checkRetaliation } from '../../src/incidents/index.js';
import * as handling from '../../src/incidents/handling.js';
import { escalateOverdue } from '../../src/incidents/deadlines.js';
import { remindCaseDeadlines } from '../../src/incidents/reminders.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import type { OutgoingMail } from '../../src/notifications/mailer.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { logSink, processLogDuring } from '../helpers/log-sink.js';
import { exportSettingsFrom } from '../../src/exports/settings.js';
import { monthsBefore, runRetention } from '../../src/privacy/job.js';
import { createLogger } from '../../src/shared/logger.js';
import { testConfig } from '../helpers/app.js';
import { asActor, fileAbout, makeWorld, settings, type World } from './world.js';
import { markDuplicate } from '../../src/incidents/duplicates.js';

/**
 * A denouncer's identity (Luật Tố cáo 2018 Art. 9) is seen only by the province, through the audited identity view:
 * it is never written to the audit log, the request log, a notice or an e-mail — whatever happens to the case.
 */

const ADDRESS = 'Bản Na Hai, xã Thanh Nưa';
const PHONE = '0987654321';

async function as(username: string): Promise<Agent> {
  const agent = agentFor(testApp());
  await login(agent, username);
  return agent;
}

/** Every document of the collections a notice (or the reminders' sent-once ledger) can be written to, as text. */
async function notices(): Promise<string> {
  const names = (await mongoose.connection.db!.collections()).map((c) => c.collectionName).filter((n) => /notice|notification|reminder/i.test(n));
  const parts = await Promise.all(names.map(async (n) => JSON.stringify(await mongoose.connection.db!.collection(n).find({}).toArray())));
  return parts.join('\n');
}

describe('a denouncer’s identity in the audit log, the request log, notices and e-mails', function () {
  this.timeout(120_000);
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a colleague’s denunciation goes through the whole handling, then no sink names them, their account or their contact', async () => {
    const secrets = () => [w.namUser.displayName, String(w.namUser._id), String(w.nam._id), ADDRESS, PHONE];
    const logMark = logSink.mark();
    const nam = await as(w.namUser.username);
    const _csrf = await csrfFrom(nam, `/reports/new?unit=${w.communeA._id}`);
    const filed = await nam
      .post('/reports')
      .type('form')
      .send({ _csrf, kind: 'TO_CAO', unitId: String(w.communeA._id), staffId: String(w.lan._id), criterionCodes: ['K5'], occurredOn: new Date().toISOString().slice(0, 10), description: 'Đồng chí nhận tiền để giải quyết hồ sơ nhanh.', address: ADDRESS, phone: PHONE });
    expect(filed.status).to.equal(302);
    await nam.get('/reports/receipt');
    const report = (await IncidentReportModel.findOne({}).lean())!;
    const id = String(report._id);

    // The handling, by the head; the explanation, by the person reported about.
    const head = await asActor(w.headA._id);
    await handling.transition(head, id, { to: 'UNDER_REVIEW', note: 'Bắt đầu xác minh.' }, settings);
    // The scheduled reminders (notices, e-mails, the sent-once ledger) before the review and explanation deadlines.
    await UserModel.updateOne({ _id: w.headA._id }, { $set: { email: 'chutich@thanhnua.example.vn' } });
    const mails: OutgoingMail[] = [];
    const reminded = await remindCaseDeadlines(new Date(), { settings: { ...settings, REMINDER_DAYS_BEFORE: 30 }, mailer: { send: async (m) => void mails.push(m) } });
    expect(reminded, 'the head and the person concerned were reminded').to.deep.equal({ handler: 1, explanation: 1, mailed: 2 });
    await handling.submitExplanation(await asActor(w.lanUser._id), id, 'Tôi không nhận tiền.');
    await handling.addReply(head, id, 'Đơn vị đã tiếp nhận tố cáo.');
    await handling.addNote(head, id, 'Đối chiếu sổ theo dõi hồ sơ.');
    await handling.extendDeadline(head, id, { days: 5, reason: 'Cần thêm thời gian xác minh.' });
    // Overdue later: the escalation job notifies and mails the leaders above.
    await UserModel.updateOne({ _id: w.admin._id }, { $set: { email: 'sonoivu@dienbien.example.vn' } });
    await escalateOverdue(new Date(Date.now() + 120 * 86_400_000), { settings, mailer: { send: async (m) => void mails.push(m) } });
    const mailer = { send: async (m: OutgoingMail) => void mails.push(m) };
    await handling.transition(head, id, { to: 'SUBSTANTIATED', note: 'Có cơ sở.', confirmedCodes: ['K5'] }, settings, new Date(), { mailer });
    // The person concerned is told the conclusion (a notice and an e-mail), asks for a review, and is told again.
    expect(mails.filter((m) => m.to === 'lan@thanhnua.example.vn').map((m) => m.subject)).to.deep.equal([`[Công Bộc] Nhắc hạn giải trình phản ánh ${report.caseNumber}`, `[Công Bộc] Kết luận về phản ánh ${report.caseNumber}`]);
    const lan = await as(w.lanUser.username);
    const own = `/reports/explanations/${id}`;
    expect((await lan.post(`${own}/review`).type('form').send({ _csrf: await csrfFrom(lan, own), reason: 'Tôi đề nghị xem xét lại.' })).status).to.equal(302);
    await handling.transition(head, id, { to: 'SUBSTANTIATED', note: 'Xem xét lại: giữ kết luận.', confirmedCodes: ['K5'] }, settings, new Date(), { mailer });
    await handling.addRemedy(head, id, { kind: 'DISCIPLINE_REFERRAL', note: 'Đề nghị xem xét kỷ luật.' });
    await handling.transition(head, id, { to: 'RESOLVED', note: 'Đã xử lý.' }, settings);

    // The denouncer follows the case and answers; the province looks at who they are.
    expect((await nam.get('/reports/mine')).status).to.equal(200);
    const page = `/reports/mine/${id}`;
    expect((await nam.get(page)).status).to.equal(200);
    const answer = await nam.post(`${page}/feedback`).type('form').send({ _csrf: await csrfFrom(nam, page), level: 'SATISFIED', comment: 'Cảm ơn.' });
    expect(answer.status).to.equal(302);
    const admin = await as(w.admin.username);
    expect((await admin.get(`/reports/${id}/reporter`)).text).to.contain(w.namUser.displayName);

    const audit = JSON.stringify(await AuditEntryModel.find({}).lean());
    const logged = logSink
      .since(logMark)
      .split('\n')
      // Signing in is not about the case; every line after it is checked.
      .filter((line) => !line.includes('"url":"/login"'))
      .join('\n');
    const noticed = await notices();
    const mailed = JSON.stringify(mails);
    expect(audit.length, 'the audit log recorded the handling').to.be.above(1000);
    expect(noticed.length, 'notices were written').to.be.above(10);
    expect(mails.length, 'the escalation mailed the province').to.be.above(0);
    for (const secret of secrets()) {
      expect(audit, `audit log holds ${secret}`).not.to.contain(secret);
      expect(logged.split("\n").filter((l) => l.includes(secret)).map((l) => /"url":"[^"]*"/.exec(l)?.[0] ?? l.slice(0, 200)), `request log holds ${secret}`).to.deep.equal([]);
      expect(noticed, `notices hold ${secret}`).not.to.contain(secret);
      expect(mailed, `e-mails hold ${secret}`).not.to.contain(secret);
    }
  });

  it('when a named citizen’s case changes state and the e-mail to them goes out, or the mail server refuses it quoting the address, then the address is only ever a recipient: in no log line, audit entry or notice', async () => {
    const EMAIL = 'ty.nguoiphananh@example.vn';
    const { report } = await fileAbout(w, { staffId: String(w.lan._id) }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', email: EMAIL, phone: PHONE } });
    const other = await fileAbout(w, {}, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', email: EMAIL } });
    const mails: OutgoingMail[] = [];
    const delivers = { send: async (m: OutgoingMail) => void mails.push(m) };
    const refuses = {
      send: async (m: OutgoingMail) => {
        throw Object.assign(new Error(`Can't send mail - all recipients were rejected: 550 5.1.1 <${m.to}>: Recipient address rejected`), { code: 'EENVELOPE', rejected: [m.to] });
      },
    };
    const head = await asActor(w.headA._id);
    const auditMark = await AuditEntryModel.countDocuments({});
    const logMark = logSink.mark();
    const { logged } = await processLogDuring(async () => {
      await handling.transition(head, String(report._id), { to: 'UNDER_REVIEW', note: 'Xác minh.' }, settings, new Date(), { mailer: delivers });
      await handling.transition(head, String(other.report._id), { to: 'UNDER_REVIEW', note: 'Xác minh.' }, settings, new Date(), { mailer: refuses });
      await markDuplicate(head, String(report._id), { caseNumber: other.report.caseNumber }, settings, new Date(), { mailer: refuses });
    });

    expect(mails.map((m) => m.to), 'the delivered mail went to the reporter').to.deep.equal([EMAIL]);
    expect(logged, 'the refusals were logged').to.contain('reporter state e-mail failed');
    const audit = JSON.stringify((await AuditEntryModel.find({}).sort({ at: 1 }).lean()).slice(auditMark));
    for (const [sink, text] of [['the process log', logged], ['the request log', logSink.since(logMark)], ['the audit log', audit], ['the notices', await notices()]] as const) {
      expect(text, `${sink} holds the address`).not.to.contain(EMAIL);
      expect(text, `${sink} holds the name`).not.to.contain('Hoàng Văn Tỵ');
    }
  });

  it('when a head lowers the evaluation of a colleague who denounced them, then the retaliation warning reaches the province without naming the denouncer in the audit log', async () => {
    const nam = await as(w.namUser.username);
    const _csrf = await csrfFrom(nam, `/reports/new?unit=${w.communeA._id}`);
    await nam
      .post('/reports')
      .type('form')
      .send({ _csrf, kind: 'TO_CAO', unitId: String(w.communeA._id), staffId: String(w.chairA._id), criterionCodes: ['K5'], occurredOn: new Date().toISOString().slice(0, 10), description: 'Chủ tịch xã gây khó khăn.', address: ADDRESS, phone: PHONE });
    const flag = await checkRetaliation({ staffId: w.nam._id, evaluatorUserId: w.headA._id, scoreBefore: 80, scoreAfter: 60 });
    expect(flag, 'the warning was raised').to.not.equal(null);
    const audit = JSON.stringify(await AuditEntryModel.find({}).lean());
    for (const secret of [w.namUser.displayName, String(w.namUser._id), String(w.nam._id), ADDRESS, PHONE]) expect(audit, `audit log holds ${secret}`).not.to.contain(secret);
  });

  it('when the retention run erases a denunciation settled long ago, then the province no longer sees who filed it and the run’s log and audit entry do not name them', async () => {
    const nam = await as(w.namUser.username);
    const _csrf = await csrfFrom(nam, `/reports/new?unit=${w.communeA._id}`);
    await nam
      .post('/reports')
      .type('form')
      .send({ _csrf, kind: 'TO_CAO', unitId: String(w.communeA._id), staffId: String(w.lan._id), criterionCodes: ['K5'], occurredOn: new Date().toISOString().slice(0, 10), description: 'Đồng chí nhận tiền.', address: ADDRESS, phone: PHONE });
    const report = (await IncidentReportModel.findOne({}).lean())!;
    const now = new Date();
    await IncidentReportModel.updateOne({ _id: report._id }, { $set: { status: 'CLOSED', closedAt: monthsBefore(now, 61), dueAt: null } });
    const logMark = logSink.mark();
    const auditMark = await AuditEntryModel.countDocuments({});

    const counts = await runRetention({ now, exportSettings: exportSettingsFrom(testConfig()), logger: createLogger('info', logSink) });

    expect(counts?.reports).to.equal(1);
    const runEntries = JSON.stringify((await AuditEntryModel.find({}).sort({ at: 1 }).lean()).slice(auditMark));
    const logged = logSink.since(logMark);
    const admin = await as(w.admin.username);
    const view = (await admin.get(`/reports/${report._id}/reporter`)).text;
    for (const secret of [w.namUser.displayName, ADDRESS, PHONE]) expect(view, `the identity view still shows ${secret}`).not.to.contain(secret);
    expect(view).to.contain('Thông tin người gửi đã được xoá ngày');
    for (const secret of [w.namUser.displayName, String(w.namUser._id), String(w.nam._id), ADDRESS, PHONE, String(report._id)]) {
      expect(runEntries, `the run's audit entries hold ${secret}`).not.to.contain(secret);
      expect(logged, `the log holds ${secret}`).not.to.contain(secret);
    }
  });
});
