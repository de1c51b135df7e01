import { expect } from 'chai';
import mongoose from 'mongoose';
import { decoded, startSmtp, smtpFields } from '../helpers/smtp.js';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, testApp, testConfig, type Agent } from '../helpers/app.js';
import type { Config } from '../../src/config.js';
import { IncidentReportModel, ReporterIdentityModel } from '../../src/incidents/model.js';
import { transition } from '../../src/incidents/handling.js';
import { recordExplanation } from '../../src/incidents/due-process.js';
import { markDuplicate } from '../../src/incidents/duplicates.js';
import { fileReport } from '../../src/incidents/service.js';
import { vietnamDay } from '../../src/shared/dates.js';
import { translator } from '../../src/shared/i18n.js';
import { asActor, fileAbout, makeWorld, type World } from './world.js';

const BASE = 'https://congboc.dienbien.example.vn';
const today = () => new Date().toISOString().slice(0, 10);

async function fileOnline(agent: Agent, w: World, fields: Record<string, string>) {
  const _csrf = await csrfFrom(agent, `/phan-anh?unit=${w.communeA._id}`);
  const res = await agent
    .post('/phan-anh')
    .type('form')
    .send({ _csrf, unitId: String(w.communeA._id), staffId: String(w.lan._id), criterionCodes: ['X1'], occurredOn: today(), description: 'Cán bộ không chào và bắt tôi chờ lâu.', ...fields });
  expect(res.status).to.equal(302);
  const receipt = await agent.get('/phan-anh/bien-nhan');
  return /data-tracking-code>([0-9A-Z-]+)</.exec(receipt.text)![1]!;
}

describe('citizen reports: an e-mail to the reporter when the case changes state', function () {
  this.timeout(120_000);
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let settings: Config;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    smtp = await startSmtp();
    settings = testConfig({ ...smtpFields(smtp), MAIL_FROM: 'congboc@dienbien.example.vn', PUBLIC_BASE_URL: BASE });
  });
  afterEach(async () => smtp.close());
  const mails = () => smtp.received.map((m) => ({ to: m.to, text: decoded(m.raw) }));

  it('when a named citizen who wrote in English and left an address follows the case through review, finding, closing and their own reopening, then each change sends one English e-mail with the new state, the number and the look-up link — never the code, a note, the unit or the person concerned', async () => {
    const agent = agentFor(testApp({ ...smtpFields(smtp), PUBLIC_BASE_URL: BASE }));
    await agent.get('/lang/en?back=/phan-anh');
    const code = await fileOnline(agent, w, { identity: 'named', name: 'Hoàng Văn Tỵ', email: 'ty@example.vn' });
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect((await ReporterIdentityModel.findOne({ reportId: report._id }).lean())?.language, 'the language of the page it was written on').to.equal('en');
    expect(smtp.received, 'nothing at filing: the receipt says it').to.have.length(0);

    const head = await asActor(w.headA._id);
    const id = String(report._id);
    await transition(head, id, { to: 'UNDER_REVIEW', note: 'Ghi chú nội bộ: xác minh tại bộ phận một cửa.' }, settings);
    await recordExplanation(head, id, { channel: 'DECLINED', receivedOn: vietnamDay(), text: '' });
    await transition(head, id, { to: 'NOT_SUBSTANTIATED', note: 'Kết luận nội bộ: không đủ căn cứ.' }, settings);
    await transition(head, id, { to: 'CLOSED', note: 'Đóng hồ sơ.' }, settings);
    const _csrf = await csrfFrom(agent, '/tra-cuu/ho-so');
    expect((await agent.post('/tra-cuu/ho-so/chua-giai-quyet').type('form').send({ _csrf, reason: 'Vẫn chưa được giải quyết.' })).status).to.equal(302);

    // Lan, the person concerned, is told the finding by her own e-mail (due process); the reporter gets theirs.
    const sent = mails().filter((m) => !m.to.includes('lan@thanhnua.example.vn'));
    expect(sent.map((m) => m.to)).to.deep.equal([['ty@example.vn'], ['ty@example.vn'], ['ty@example.vn'], ['ty@example.vn']]);
    const states = ['is being reviewed and handled', 'has a finding: not substantiated', 'has been closed', 'has been reopened for another review'];
    sent.forEach((m, i) => {
      expect(m.text).to.contain(`Subject: [Công Bộc] Update on your report ${report.caseNumber}`);
      expect(m.text).to.contain(`Your report ${report.caseNumber} ${states[i]}.`);
      expect(m.text).to.contain(`${BASE}/tra-cuu`);
      for (const secret of [code, code.replace(/-/g, ''), 'Quàng Thị Lan', 'Ghi chú nội bộ', 'Kết luận nội bộ', 'Thanh Nưa']) expect(m.text, `mail ${i} holds ${secret}`).not.to.contain(secret);
    });
  });

  it('when a case filed before the language was kept is joined to another, then its reporter is told in Vietnamese, without the other case’s number', async () => {
    const original = await fileAbout(w, {});
    const dup = await fileAbout(w, {}, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', email: 'ty@example.vn', language: 'en' } });
    // As stored before the language was kept: the field is absent.
    await mongoose.connection.db!.collection('reporteridentities').updateOne({ reportId: dup.report._id }, { $unset: { language: '' } });

    await markDuplicate(await asActor(w.headA._id), String(dup.report._id), { caseNumber: original.report.caseNumber }, settings);

    const [mail, ...more] = mails();
    expect(more).to.have.length(0);
    expect(mail!.to).to.deep.equal(['ty@example.vn']);
    expect(mail!.text).to.contain(`Subject: [Công Bộc] Cập nhật phản ánh ${dup.report.caseNumber}`);
    expect(mail!.text).to.contain(`Phản ánh số ${dup.report.caseNumber} của bạn đã được gộp vào một phản ánh khác cùng nội dung đang được xử lý.`);
    expect(mail!.text).not.to.contain(original.report.caseNumber);
  });

  it('when an anonymous report, or a named one without an address, changes state, then no e-mail is sent', async () => {
    const head = await asActor(w.headA._id);
    const anonymous = await fileAbout(w, {});
    const noAddress = await fileAbout(w, {}, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', phone: '0912345678' } });
    for (const r of [anonymous, noAddress]) await transition(head, String(r.report._id), { to: 'UNDER_REVIEW', note: '' }, settings);
    for (const r of [anonymous, noAddress]) await transition(head, String(r.report._id), { to: 'NOT_SUBSTANTIATED', note: '' }, settings);
    expect(await mongoose.connection.db!.collection('reporteridentities').countDocuments({ reportId: anonymous.report._id }), 'nothing is kept of an anonymous reporter').to.equal(0);
    expect(smtp.received).to.have.length(0);
  });

  it('when a denunciation recorded from a letter changes state, then its reporter is told only that the case has news, under its number: not the state, not what it is about', async () => {
    const head = await asActor(w.headA._id);
    const { report } = await fileReport(
      { unitId: String(w.communeA._id), staffId: String(w.lan._id), criterionCodes: ['K5'], occurredOn: new Date(`${today()}T00:00:00Z`), description: 'Đồng chí nhận tiền để giải quyết hồ sơ nhanh.' },
      { source: 'CITIZEN', anonymous: false, kind: 'TO_CAO', name: 'Hoàng Văn Tỵ', address: 'Bản Na Hai, xã Thanh Nưa', email: 'ty@example.vn' },
      settings,
      undefined,
      { actor: head, channel: 'LETTER' },
    );
    await transition(head, String(report._id), { to: 'UNDER_REVIEW', note: 'Thụ lý tố cáo.' }, settings);

    const [mail, ...more] = mails();
    expect(more).to.have.length(0);
    expect(mail!.text).to.contain(`Subject: [Công Bộc] Cập nhật hồ sơ ${report.caseNumber}`);
    expect(mail!.text).to.contain(`Hồ sơ số ${report.caseNumber} có cập nhật mới.`);
    for (const secret of ['đang được xem xét', 'tố cáo', 'Tố cáo', 'Quàng Thị Lan', 'Thanh Nưa', 'nhận tiền']) expect(mail!.text, `the mail holds ${secret}`).not.to.contain(secret);
  });

  it('each text renders in Vietnamese and in English, with every state', () => {
    const states = ['RECEIVED', 'UNDER_REVIEW', 'SUBSTANTIATED', 'PARTLY_SUBSTANTIATED', 'NOT_SUBSTANTIATED', 'RESOLVED', 'CLOSED', 'REOPENED', 'DUPLICATE'];
    for (const lang of ['vi', 'en'] as const) {
      const t = translator(lang);
      for (const s of states) expect(t(`reports.reporterMail.states.${s}`), `${lang} ${s}`).not.to.contain('reporterMail');
      for (const key of ['reportSubject', 'reportText', 'denunciationSubject', 'denunciationText']) {
        const text = t(`reports.reporterMail.${key}`, { number: 'PA-2026-ABC', state: 'x', url: `${BASE}/tra-cuu` });
        expect(text, `${lang} ${key}`).to.contain('PA-2026-ABC').and.not.to.contain('{{');
      }
    }
  });
});
