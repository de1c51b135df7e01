import { expect } from 'chai';
import JSZip from 'jszip';
import { agentFor, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import * as handling from '../../src/incidents/handling.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { formatDate, formatMomentDay } from '../../src/shared/dates.js';
import { asActor, fileAbout, makeWorld, settings, type World } from './world.js';
import { HIDDEN, openedByCode, sectionOf, settle } from './reporter.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const named = { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', phone: '0912345678' } as const;

/** A .docx download, read as a browser saves it. */
const download = (req: ReturnType<Agent['get']>) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

async function docxText(body: Buffer): Promise<string> {
  const xml = await (await JSZip.loadAsync(body)).file('word/document.xml')!.async('string');
  return xml.replace(/<[^>]+>/g, '');
}

describe("the reporter's case page", () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a citizen opens a case under review, then the page shows the dated timeline and the current deadline, and no handler name, internal note or step note', async () => {
    const { report, trackingCode } = await fileAbout(w, { staffId: String(w.lan._id) });
    const id = String(report._id);
    const head = await asActor(w.headA._id);
    await handling.transition(head, id, { to: 'UNDER_REVIEW', note: HIDDEN.stepNote }, settings);
    await handling.addReply(head, id, 'Đơn vị đã tiếp nhận và đang xác minh.');
    await handling.addNote(head, id, HIDDEN.internalNote);
    const stored = (await IncidentReportModel.findById(id).lean())!;

    const page = await (await openedByCode(testApp(), trackingCode)).get('/tra-cuu/ho-so');
    expect(page.status).to.equal(200);
    const timeline = sectionOf(page.text, 'data-case-timeline');
    expect(timeline).to.contain(`${formatMomentDay(stored.history[0]!.at)}</time> <span>Đã tiếp nhận`).and.to.contain(`${formatMomentDay(stored.history[1]!.at)}</time> <span>Đang xem xét`);
    expect(page.text).to.match(new RegExp(`data-due-at>Hạn xử lý bước hiện tại: <strong>${formatDate(stored.dueAt)}</strong>`));
    expect(page.text).to.contain('Đơn vị đã tiếp nhận và đang xác minh.');
    expect(page.text).not.to.contain('data-questionnaire').and.not.to.contain('data-timeliness').and.not.to.contain('data-finding');
    for (const hidden of [HIDDEN.handlerName, HIDDEN.internalNote, HIDDEN.stepNote]) expect(page.text, hidden).not.to.contain(hidden);
  });

  it('when the case is settled on a partly substantiated finding, then the conclusion, the confirmed criterion, the remedies in citizen words and the handling time show — never the finding or remedy notes nor the explanation', async () => {
    const { report, trackingCode } = await fileAbout(w, { staffId: String(w.lan._id) });
    await settle(w, String(report._id), { finding: 'PARTLY_SUBSTANTIATED', confirmed: ['X1'], remedies: ['REMINDER_TRAINING', 'DISCIPLINE_REFERRAL'], explanation: HIDDEN.explanation });

    const page = await (await openedByCode(testApp(), trackingCode)).get('/tra-cuu/ho-so');
    const finding = sectionOf(page.text, 'data-finding');
    expect(finding).to.contain('Nội dung phản ánh có cơ sở một phần').and.to.contain('<li>Cán bộ không chào hỏi</li>').and.not.to.contain('hách dịch');
    const remedies = sectionOf(page.text, 'data-remedies');
    expect(remedies).to.contain('Cán bộ liên quan được nhắc nhở, bồi dưỡng thêm về ứng xử').and.to.contain('Đơn vị đề nghị xem xét kỷ luật cán bộ liên quan');
    expect(page.text).to.contain('data-timeliness>Thời hạn xử lý: đúng hạn').and.not.to.contain('Kết quả: Đúng hạn').and.not.to.contain('data-due-at');
    expect(sectionOf(page.text, 'data-case-timeline')).to.contain('Có cơ sở một phần').and.to.contain('Đã giải quyết');
    for (const hidden of Object.values(HIDDEN)) expect(page.text, hidden).not.to.contain(hidden);
    expect(page.text).not.to.contain('data-letter');
  });

  it('when the apology letter to a named citizen was sent, then they read it and download it from the case page; before it is sent there is nothing (404)', async () => {
    const { report, trackingCode } = await fileAbout(w, {}, { reporter: named });
    const id = String(report._id);
    const app = testApp();
    await settle(w, id, { remedies: ['APOLOGY'], letter: { recipientName: 'Ông Hoàng Văn Tỵ', sent: false } });
    const citizen = await openedByCode(app, trackingCode);
    expect((await citizen.get('/tra-cuu/ho-so')).text).not.to.contain('data-letter');
    expect((await citizen.get('/tra-cuu/ho-so/thu-xin-loi')).status).to.equal(404);
    expect((await citizen.get('/tra-cuu/ho-so/thu-xin-loi.docx')).status).to.equal(404);

    await handling.markLetterSent(await asActor(w.headA._id), id, new Date(Date.UTC(2026, 1, 6)));
    const page = await citizen.get('/tra-cuu/ho-so');
    expect(sectionOf(page.text, 'data-letter')).to.contain('href="/tra-cuu/ho-so/thu-xin-loi"').and.to.contain('href="/tra-cuu/ho-so/thu-xin-loi.docx"');
    const printed = await citizen.get('/tra-cuu/ho-so/thu-xin-loi');
    expect(printed.status).to.equal(200);
    expect(printed.text).to.contain("THƯ XIN LỖI").and.to.contain("15/TXL-UBND").and.to.contain("Ông Hoàng Văn Tỵ").and.to.contain(`href="/tra-cuu/ho-so/thu-xin-loi.docx"`);
    expect(printed.text, "the salutation once").not.to.contain("Ông Ông");
    const docx = await download(citizen.get('/tra-cuu/ho-so/thu-xin-loi.docx'));
    expect(docx.status).to.equal(200);
    expect(docx.headers['content-type']).to.contain(DOCX);
    expect(await docxText(docx.body as Buffer)).to.contain('Ông Hoàng Văn Tỵ').and.to.contain('15/TXL-UBND');

    // A browser that opened no case gets nothing.
    const stranger = agentFor(app);
    expect((await stranger.get('/tra-cuu/ho-so/thu-xin-loi')).status).to.equal(404);
    expect((await stranger.get('/tra-cuu/ho-so/thu-xin-loi.docx')).status).to.equal(404);
  });

  it('when the letter was written to someone else, then the reporter neither sees nor opens it (403)', async () => {
    const { report, trackingCode } = await fileAbout(w, {}, { reporter: named });
    await settle(w, String(report._id), { remedies: ['APOLOGY'], letter: { recipientName: 'Bà Lò Thị Hoa' } });
    const citizen = await openedByCode(testApp(), trackingCode);
    const page = await citizen.get('/tra-cuu/ho-so');
    expect(page.text).not.to.contain('data-letter');
    expect(sectionOf(page.text, 'data-remedies')).to.contain('Đơn vị gửi thư xin lỗi');
    expect((await citizen.get('/tra-cuu/ho-so/thu-xin-loi')).status).to.equal(403);
    expect((await citizen.get('/tra-cuu/ho-so/thu-xin-loi.docx')).status).to.equal(403);
  });

  it('when the report was anonymous, then the letter opens only if it names no one ("Ông/Bà"), not when it names a person or an address', async () => {
    const app = testApp();
    const generic = await fileAbout(w, {});
    await settle(w, String(generic.report._id), { remedies: ['APOLOGY'], letter: { recipientName: `Ông/Bà đã phản ánh số ${generic.report.caseNumber}` } });
    const a = await openedByCode(app, generic.trackingCode);
    expect((await a.get('/tra-cuu/ho-so')).text).to.contain('data-letter');
    expect((await a.get('/tra-cuu/ho-so/thu-xin-loi')).status).to.equal(200);

    const personal = await fileAbout(w, {});
    await settle(w, String(personal.report._id), { remedies: ['APOLOGY'], letter: { recipientName: 'Ông Nguyễn Văn Khánh' } });
    const b = await openedByCode(app, personal.trackingCode);
    expect((await b.get('/tra-cuu/ho-so')).text).not.to.contain('data-letter');
    expect((await b.get('/tra-cuu/ho-so/thu-xin-loi')).status).to.equal(403);

    const addressed = await fileAbout(w, {});
    await settle(w, String(addressed.report._id), { remedies: ['APOLOGY'], letter: { recipientName: 'Ông/Bà', recipientAddress: 'Bản Co Mận, xã Thanh Nưa' } });
    expect((await (await openedByCode(app, addressed.trackingCode)).get('/tra-cuu/ho-so/thu-xin-loi.docx')).status).to.equal(403);
  });

  it('when a colleague filed the report, then their /reports/mine page carries the same timeline, finding and letter; another colleague gets 403', async () => {
    const nam = await asActor(w.namUser._id);
    const { report } = await fileAbout(w, {}, { reporter: { source: 'PEER', actor: nam, kind: 'PHAN_ANH', anonymous: false } });
    const id = String(report._id);
    await settle(w, id, { remedies: ['APOLOGY'], letter: { recipientName: 'Ông Trần Văn Nam' } });
    const app = testApp();
    const filer = agentFor(app);
    await login(filer, w.namUser.username);
    const page = await filer.get(`/reports/mine/${id}`);
    expect(page.status).to.equal(200);
    expect(sectionOf(page.text, 'data-case-timeline')).to.contain('Đã giải quyết');
    expect(sectionOf(page.text, 'data-finding')).to.contain('Nội dung phản ánh có cơ sở');
    expect(sectionOf(page.text, 'data-letter')).to.contain(`href="/reports/mine/${id}/letter"`);
    expect((await filer.get(`/reports/mine/${id}/letter`)).status).to.equal(200);
    const docx = await download(filer.get(`/reports/mine/${id}/letter.docx`));
    expect(docx.status).to.equal(200);
    expect(await docxText(docx.body as Buffer)).to.contain('Ông Trần Văn Nam');
    for (const hidden of [HIDDEN.findingNote, HIDDEN.remedyNote, HIDDEN.stepNote]) expect(page.text, hidden).not.to.contain(hidden);

    const other = agentFor(app);
    await login(other, w.lanUser.username);
    expect((await other.get(`/reports/mine/${id}`)).status).to.equal(403);
    expect((await other.get(`/reports/mine/${id}/letter`)).status).to.equal(403);
    expect((await other.get(`/reports/mine/${id}/letter.docx`)).status).to.equal(403);
    expect((await other.get('/reports/mine/not-an-id/letter')).status).to.equal(404);
  });
});
