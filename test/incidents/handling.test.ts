import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { IncidentReportModel, ReportNoticeModel } from '../../src/incidents/model.js';
import { reporterCase, reporterCaseView } from '../../src/incidents/reporter-case.js';
import { fileAbout, makeWorld, settings, type World } from './world.js';
import { tenAtOnce } from '../helpers/forms.js';
import { UnitModel } from '../../src/units/model.js';
import { docxAt } from '../letters/docx.js';
import { vietnamDay } from '../../src/shared/dates.js';

/** A textarea's text as the browser shows it. */
const decode = (html: string) => html.replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function as(username: string): Promise<Agent> {
  const agent = agentFor(testApp());
  await login(agent, username);
  return agent;
}

const move = (agent: Agent, id: string, to: string, note = `Chuyển sang ${to}`, extra: Record<string, string | string[]> = {}) =>
  submitForm(agent, `/reports/${id}`, `/reports/${id}/transition`, { to, note, ...extra });

/** Bình has no login: the handler records the explanation he gave on paper, so that a finding may follow. */
const explainedOnPaper = async (agent: Agent, id: string) => {
  const res = await submitForm(agent, `/reports/${id}`, `/reports/${id}/explanation`, { channel: 'PAPER', receivedOn: vietnamDay().toISOString().slice(0, 10), text: 'Giải trình bằng văn bản của anh Bình.' });
  if (res.status !== 302) throw new Error(`explanation not recorded: ${res.status}`);
};

const statusOf = async (id: string) => (await IncidentReportModel.findById(id).lean())!.status;

describe('case handling', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when ten moves of one case are sent at once from forms showing the same version (five to under review, five to closed), then exactly one wins, the others get 409, and the history holds that one move', async () => {
    const { report } = await fileAbout(w, { staffId: String(w.binh._id) });
    const id = String(report._id);
    const version = (await IncidentReportModel.findById(id).lean())!.version;
    const answers = await tenAtOnce(w.headA.username, `/reports/${id}`, `/reports/${id}/transition`, (i) => ({ to: i % 2 === 0 ? 'UNDER_REVIEW' : 'CLOSED', note: `Lần ${i}` }));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const stored = (await IncidentReportModel.findById(id).lean())!;
    expect(stored.history.map((h) => h.to)).to.deep.equal(['RECEIVED', stored.status]);
    expect(stored.version).to.equal(version + 1);
    expect(await AuditEntryModel.countDocuments({ objectType: 'report', objectId: stored._id, action: 'transition' })).to.equal(1);
  });

  it('when the head walks a case through every step, then each change is kept with its note and audited, and illegal steps get 409', async () => {
    const { report } = await fileAbout(w, { staffId: String(w.binh._id) });
    const id = String(report._id);
    const head = await as(w.headA.username);

    expect((await move(head, id, 'SUBSTANTIATED')).status).to.equal(409);
    expect((await move(head, id, 'UNDER_REVIEW', '')).status).to.equal(422);
    expect((await move(head, id, 'UNDER_REVIEW', 'Đã giao xác minh')).status).to.equal(302);
    await explainedOnPaper(head, id);
    expect((await move(head, id, 'RESOLVED')).status).to.equal(409);
    const partlyWrong = await move(head, id, 'PARTLY_SUBSTANTIATED', 'Một phần', { confirmedCodes: ['X1', 'K1'] });
    expect(partlyWrong.status).to.equal(422);
    expect(partlyWrong.text).to.contain('ít nhất một, nhưng không phải tất cả');
    expect((await move(head, id, 'PARTLY_SUBSTANTIATED', 'Có cơ sở về việc không chào', { confirmedCodes: ['X1'] })).status).to.equal(302);
    const noRemedy = await move(head, id, 'RESOLVED', 'Xong');
    expect(noRemedy.status).to.equal(409);
    expect(noRemedy.text).to.contain('Cần ghi nhận ít nhất một biện pháp');
    expect((await submitForm(head, `/reports/${id}`, `/reports/${id}/remedies`, { kind: 'REMINDER_TRAINING', note: 'Nhắc nhở trong cuộc họp cơ quan' })).status).to.equal(302);
    expect((await move(head, id, 'RESOLVED', 'Đã nhắc nhở, kết thúc')).status).to.equal(302);
    expect((await move(head, id, 'CLOSED')).status).to.equal(409);

    const done = (await IncidentReportModel.findById(id).lean())!;
    expect(done.history.map((h) => h.to)).to.deep.equal(['RECEIVED', 'UNDER_REVIEW', 'PARTLY_SUBSTANTIATED', 'RESOLVED']);
    expect(done.history[1]!.note).to.equal('Đã giao xác minh');
    expect(done.confirmedCriterionCodes).to.deep.equal(['X1']);
    expect(done.breachKeys).to.deep.equal([`S:${String(w.binh._id)}:X1`]);
    expect(done.substantiated).to.equal(true);
    expect(done.outcome).to.equal('ON_TIME');
    expect(done.dueAt).to.equal(null);
    const audits = await AuditEntryModel.find({ objectType: 'report', objectId: done._id }).sort({ at: 1 }).lean();
    expect(audits.map((a) => a.action)).to.deep.equal(['create', 'transition', 'explanationRecorded', 'transition', 'remedy', 'transition']);
    expect(audits[1]!.actorName).to.equal('Lò Văn Phích');
  });

  it('when a report is not substantiated, then it can only be closed; a fresh report can be closed at once', async () => {
    const head = await as(w.headA.username);
    const a = String((await fileAbout(w, {})).report._id);
    await move(head, a, 'UNDER_REVIEW');
    await move(head, a, 'NOT_SUBSTANTIATED', 'Không đủ căn cứ');
    expect((await move(head, a, 'RESOLVED')).status).to.equal(409);
    expect((await move(head, a, 'CLOSED', 'Đóng hồ sơ')).status).to.equal(302);
    expect(await statusOf(a)).to.equal('CLOSED');
    const b = String((await fileAbout(w, {})).report._id);
    expect((await move(head, b, 'CLOSED', 'Trùng với phản ánh khác')).status).to.equal(302);
    expect(await statusOf(b)).to.equal('CLOSED');
  });

  it('when the head of another commune or a staff member tries, then 403; an unknown case is 404; a stale form is 409', async () => {
    const id = String((await fileAbout(w, {})).report._id);
    const other = await as(w.headB.username);
    expect((await other.get(`/reports/${id}`)).status).to.equal(403);
    const page = await (await as(w.headA.username)).get(`/reports/${id}`);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec((await other.get('/reports')).text)![1]!;
    expect((await other.post(`/reports/${id}/transition`).type('form').send({ _csrf, to: 'UNDER_REVIEW', note: 'x' })).status).to.equal(403);
    expect(await statusOf(id)).to.equal('RECEIVED');
    const staff = await as(w.namUser.username);
    expect((await staff.get('/reports')).status).to.equal(403);
    expect((await staff.get(`/reports/${id}`)).status).to.equal(403);
    expect((await other.get('/reports/64b7f0c2a1b2c3d4e5f60718')).status).to.equal(404);

    const head = await as(w.headA.username);
    expect(page.text).to.contain('name="version" value="0"');
    await IncidentReportModel.updateOne({ _id: id }, { $inc: { version: 1 } });
    expect((await move(head, id, 'UNDER_REVIEW', 'cũ', { version: '0' })).status).to.equal(409);
  });

  it('when a report is about the commune head, then it goes to the province, and the head neither sees it nor finds it in the inbox', async () => {
    const { report } = await fileAbout(w, { staffId: String(w.chairA._id), description: 'Chủ tịch xã quát mắng người dân.' });
    expect(report.conflictOfInterest).to.equal(true);
    expect(String(report.handlerUnitId)).to.equal(String(w.province._id));
    expect(report.excludedUserIds.map(String)).to.deep.equal([String(w.headA._id)]);

    const head = await as(w.headA.username);
    expect((await head.get(`/reports/${report._id}`)).status).to.equal(403);
    expect((await head.get('/reports')).text).not.to.contain(report.caseNumber);
    const admin = await as(w.admin.username);
    const inbox = await admin.get('/reports');
    expect(inbox.text).to.contain(report.caseNumber).and.to.contain('Chuyển cấp trên (xung đột lợi ích)');
    expect((await move(admin, String(report._id), 'UNDER_REVIEW', 'Sở tiếp nhận xử lý')).status).to.equal(302);

    const staffReport = (await fileAbout(w, { staffId: String(w.lan._id) })).report;
    expect(staffReport.conflictOfInterest).to.equal(false);
    expect(String(staffReport.handlerUnitId)).to.equal(String(w.communeA._id));
  });

  it('when a case about a staff member goes under review, then they are notified, may explain before the deadline, and the finding records it', async () => {
    const { report } = await fileAbout(w, { staffId: String(w.lan._id), description: 'Chị Lan bắt tôi chờ cả buổi mà không giải thích.' }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', phone: '0912345678' } });
    const id = String(report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW', 'Yêu cầu giải trình');
    const notices = await ReportNoticeModel.find({ reportId: report._id }).lean();
    expect(notices.map((n) => [String(n.userId), n.kind])).to.deep.equal([[String(w.lanUser._id), 'EXPLANATION_REQUESTED']]);

    const early = await move(head, id, 'SUBSTANTIATED', 'Kết luận sớm');
    expect(early.status).to.equal(409);
    expect(early.text).to.contain('còn thời hạn giải trình');

    const lan = await as(w.lanUser.username);
    expect((await lan.get('/reports/notices')).text).to.contain(report.caseNumber);
    const page = await lan.get(`/reports/explanations/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Chị Lan bắt tôi chờ cả buổi').and.not.to.contain('Hoàng Văn Tỵ').and.not.to.contain('0912345678');
    expect((await lan.get(`/reports/${id}`)).status).to.equal(403);
    const sent = await submitForm(lan, `/reports/explanations/${id}`, `/reports/explanations/${id}`, { text: 'Hôm đó hệ thống một cửa bị lỗi, tôi đã xin lỗi người dân.' });
    expect(sent.status).to.equal(302);

    expect((await move(head, id, 'SUBSTANTIATED', 'Có cơ sở; đã xem giải trình')).status).to.equal(302);
    const done = (await IncidentReportModel.findById(id).lean())!;
    expect(done.finding!.explanationSummary).to.equal('Hôm đó hệ thống một cửa bị lỗi, tôi đã xin lỗi người dân.');
    expect(done.confirmedCriterionCodes).to.deep.equal(['X1', 'K1']);
    const casePage = await head.get(`/reports/${id}`);
    expect(casePage.text).to.contain('Hôm đó hệ thống một cửa bị lỗi').and.to.contain('Hoàng Văn Tỵ');

    const late = await submitForm(lan, '/reports/notices', `/reports/explanations/${id}`, { text: 'Bổ sung' });
    expect(late.status).to.equal(409);
  });

  it('when an apology is the remedy, then the case stays open until the letter is sent, and the letter opens as a Times New Roman .docx', async () => {
    const { report } = await fileAbout(w, { staffId: String(w.binh._id), dossierNumber: '000.00.12.H17-260105-0001' }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ' } });
    const id = String(report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW');
    await explainedOnPaper(head, id);
    await move(head, id, 'SUBSTANTIATED', 'Có cơ sở');
    await submitForm(head, `/reports/${id}`, `/reports/${id}/remedies`, { kind: 'APOLOGY', note: 'Gửi thư xin lỗi' });
    const blocked = await move(head, id, 'RESOLVED', 'Xong');
    expect(blocked.status).to.equal(409);
    expect(blocked.text).to.contain('Thư xin lỗi chưa được gửi');

    const form = await head.get(`/reports/${id}/letter`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('value="Hoàng Văn Tỵ"').and.to.contain('000.00.12.H17-260105-0001');
    const saved = await submitForm(head, `/reports/${id}/letter`, `/reports/${id}/letter`, {
      documentNumber: '15/TXL-UBND',
      date: '05/02/2026',
      salutation: 'Ông',
      recipientName: 'Hoàng Văn Tỵ',
      body: 'Đoạn thứ nhất của thư.\n\nThay mặt UBND xã, chúng tôi thành thật xin lỗi Ông/Bà.',
      signerTitle: 'Chủ tịch',
      signerName: 'Lò Văn Phích',
    });
    expect(saved.status).to.equal(302);
    expect((await IncidentReportModel.findById(id).lean())!.letter!.salutation).to.equal('Ông');
    const print = await head.get(`/reports/${id}/letter/print`);
    expect(print.status).to.equal(200);
    expect(print.text).to.contain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM').and.to.contain('Thanh Nưa, ngày 05 tháng 02 năm 2026').and.to.contain('Kính gửi: Ông Hoàng Văn Tỵ');

    const doc = await docxAt(head, `/reports/${id}/letter.docx`);
    expect(doc.lines).to.include.members(['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Kính gửi: Ông Hoàng Văn Tỵ', 'Thay mặt UBND xã, chúng tôi thành thật xin lỗi Ông./.', 'Số: 15/TXL-UBND', 'TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']);
    expect(doc.text).not.to.contain('Ông/Bà').and.not.to.contain('V/v');
    expect(doc.documentXml).to.contain('w:ascii="Times New Roman"');

    expect((await submitForm(head, `/reports/${id}`, `/reports/${id}/letter-sent`, { sentOn: '06/02/2026' })).status).to.equal(302);
    expect((await move(head, id, 'RESOLVED', 'Đã gửi thư xin lỗi')).status).to.equal(302);
    const done = (await IncidentReportModel.findById(id).lean())!;
    expect(done.status).to.equal('RESOLVED');
    expect(done.letterSentAt!.toISOString().slice(0, 10)).to.equal('2026-02-06');
  });

  /** A case about the desk of Thanh Nưa, substantiated, with these remedies recorded. */
  async function substantiatedAtDesk(remedies: string[]): Promise<{ id: string; head: Agent }> {
    const { report } = await fileAbout(w, { deskId: String(w.deskA._id), staffId: String(w.binh._id) }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Lường Văn Tâm' } });
    const id = String(report._id);
    const head = await as(w.headA.username);
    await move(head, id, 'UNDER_REVIEW');
    await explainedOnPaper(head, id);
    await move(head, id, 'SUBSTANTIATED', 'Có cơ sở');
    for (const kind of remedies) expect((await submitForm(head, `/reports/${id}`, `/reports/${id}/remedies`, { kind, note: 'Ghi nhận' })).status).to.equal(302);
    return { id, head };
  }

  it('when the first draft is written, then it names the desk by its proper name, quotes the criteria in curly quotes, suggests the next number, and states only the remedies recorded', async () => {
    await UnitModel.updateOne({ _id: w.deskA._id }, { $set: { name: 'Trung tâm phục vụ hành chính công xã Thanh Nưa' } });
    const apologyOnly = await substantiatedAtDesk(['APOLOGY']);
    const draft = (await apologyOnly.head.get(`/reports/${apologyOnly.id}/letter`)).text;
    const body = decode(/<textarea[^>]*name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(draft)![1]!);
    expect(body).to.contain('tại Trung tâm Phục vụ hành chính công xã Thanh Nưa,').and.not.to.contain(' — ');
    expect(body).to.match(/quy tắc ứng xử \(“[^”]+”(, “[^”]+”)*\)/).and.not.to.contain('"');
    expect(body).to.contain('Ủy ban nhân dân xã Thanh Nưa xác định nội dung phản ánh là có cơ sở');
    expect(body).not.to.match(/chấn chỉnh|nhắc nhở|kỷ luật|cam kết/);
    expect(draft).to.contain(`value="01/TXL-UBND"`);

    const withReminder = await substantiatedAtDesk(['APOLOGY', 'REMINDER_TRAINING']);
    const second = decode(/<textarea[^>]*name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec((await withReminder.head.get(`/reports/${withReminder.id}/letter`)).text)![1]!);
    expect(second).to.contain('Ủy ban nhân dân xã Thanh Nưa đã nhắc nhở, bồi dưỡng cán bộ, công chức có liên quan.').and.not.to.contain('kỷ luật');
  });

  it('when the handler picks no salutation or a title that does not sign for the commune, then 422 beside the field and nothing is saved', async () => {
    const { id, head } = await substantiatedAtDesk(['APOLOGY']);
    const fields = { documentNumber: '01/TXL-UBND', date: '05/02/2026', salutation: 'Ông', recipientName: 'Lường Văn Tâm', body: 'Xin lỗi Ông/Bà.', signerTitle: 'Chủ tịch', signerName: 'Lò Văn Phích' };
    const noSalutation = await submitForm(head, `/reports/${id}/letter`, `/reports/${id}/letter`, { ...fields, salutation: '' });
    expect(noSalutation.status).to.equal(422);
    expect(noSalutation.text).to.contain('Vui lòng chọn Ông hoặc Bà.');
    const director = await submitForm(head, `/reports/${id}/letter`, `/reports/${id}/letter`, { ...fields, signerTitle: 'Giám đốc' });
    expect(director.status).to.equal(422);
    expect(director.text).to.contain('Chọn chức vụ người ký trong danh sách');
    expect((await IncidentReportModel.findById(id).lean())!.letter!.documentNumber).to.equal('');
  });

  it('when a letter saved before the salutation was asked is printed, then it reads neutrally instead of “Ông/Bà”', async () => {
    const { id, head } = await substantiatedAtDesk(['APOLOGY']);
    const legacy = { documentNumber: '03/TXL-UBND', date: new Date(Date.UTC(2026, 1, 5)), recipientName: 'Ông/Bà Lường Văn Tâm', recipientAddress: '', body: 'Ông/Bà đã phản ánh. Chúng tôi xin lỗi Ông/Bà.', signerTitle: 'Chủ tịch', signerName: 'Lò Văn Phích' };
    await IncidentReportModel.updateOne({ _id: id }, { $set: { letter: legacy } });
    const doc = await docxAt(head, `/reports/${id}/letter.docx`);
    expect(doc.lines).to.include.members(['Kính gửi: Công dân Lường Văn Tâm', 'Công dân đã phản ánh. Chúng tôi xin lỗi công dân./.']);
    expect(doc.text).not.to.contain('Ông/Bà');
  });

  it('when the head replies and notes, then the reporter sees the reply but never the internal note', async () => {
    const { report } = await fileAbout(w, {});
    const id = String(report._id);
    const head = await as(w.headA.username);
    await submitForm(head, `/reports/${id}`, `/reports/${id}/replies`, { text: 'Cảm ơn ông, chúng tôi đang xác minh.' });
    await submitForm(head, `/reports/${id}`, `/reports/${id}/notes`, { text: 'Nội bộ: kiểm tra camera.' });
    const stored = (await IncidentReportModel.findById(id).lean())!;
    expect(stored.messages.map((m) => m.text)).to.deep.equal(['Cảm ơn ông, chúng tôi đang xác minh.']);
    expect(stored.internalNotes.map((n) => n.text)).to.deep.equal(['Nội bộ: kiểm tra camera.']);
    const view = await reporterCaseView(await reporterCase({ trackedId: id }, settings));
    expect(JSON.stringify(view)).to.contain('đang xác minh').and.not.to.contain('camera');
  });

  it('when the head sends an empty reply or an empty note, then 422 with the error at that box only, and nothing is stored', async () => {
    const { report } = await fileAbout(w, {});
    const id = String(report._id);
    const head = await as(w.headA.username);
    const reply = await submitForm(head, `/reports/${id}`, `/reports/${id}/replies`, { text: '  ' });
    expect(reply.status).to.equal(422);
    expect(reply.text).to.match(/<textarea id="f-reply" name="text"[^>]*aria-invalid="true"/).and.to.contain('id="f-reply-error"');
    expect(reply.text).not.to.contain('id="f-note-error"');
    const note = await submitForm(head, `/reports/${id}`, `/reports/${id}/notes`, { text: '' });
    expect(note.status).to.equal(422);
    expect(note.text).to.match(/<textarea id="f-note" name="text"[^>]*aria-invalid="true"/).and.to.contain('id="f-note-error"');
    expect(note.text).not.to.contain('id="f-reply-error"');
    const stored = (await IncidentReportModel.findById(id).lean())!;
    expect(stored.messages).to.deep.equal([]);
    expect(stored.internalNotes).to.deep.equal([]);
  });

  it('when a form is answered with an error, then the language links go back to the page the form was on (the POST address has no page), or home when the browser does not say', async () => {
    const { report } = await fileAbout(w, {});
    const id = String(report._id);
    const head = await as(w.headA.username);
    const page = await head.get(`/reports/${id}`);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    // The browser names the page by the address it was served under (supertest serves each request on a new port).
    const fromPage = await head.post(`/reports/${id}/notes`).set('Host', 'congboc.test').set('Referer', `http://congboc.test/reports/${id}`).type('form').send({ _csrf, text: '' });
    expect(fromPage.status).to.equal(422);
    const backOf = (html: string) => decodeURIComponent(/href="\/lang\/en\?back=([^"]*)"/.exec(html)?.[1] ?? '');
    expect(backOf(fromPage.text)).to.equal(`/reports/${id}`);
    const elsewhere = await head.post(`/reports/${id}/notes`).set('Host', 'congboc.test').set('Referer', `https://example.org/reports/${id}`).type('form').send({ _csrf, text: '' });
    expect(backOf(elsewhere.text)).to.equal('/');
    expect(page.headers['referrer-policy']).to.equal('same-origin');
  });
});
