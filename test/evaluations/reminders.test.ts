import { expect } from 'chai';
import { decoded, startSmtp, smtpFields } from '../helpers/smtp.js';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, testConfig } from '../helpers/app.js';
import { UserModel } from '../../src/auth/model.js';
import { createMailer } from '../../src/notifications/mailer.js';
import { overdueFor, sendReminders } from '../../src/evaluations/reminders.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { allRated, asActor, evaluationOf, makeWorld, openPeriodVia, type World } from './world.js';

describe('evaluations: overdue lists and reminder e-mails', () => {
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let periodId: string;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    smtp = await startSmtp();
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    // The deadline of this period is long past.
    periodId = await openPeriodVia(admin, { unitId: String(w.communeA._id), kind: 'monthly', year: '2025', number: '11', deadline: '05/12/2025' });
    await UserModel.updateOne({ _id: w.headA._id }, { $set: { email: 'chutich@thanhnua.example.vn' } });
  });
  afterEach(async () => smtp.close());

  it('when the deadline has passed, then the missing self-assessments and unfinished evaluations are listed on the period page', async () => {
    const lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    const ev = await evaluationOf(w.binh._id);
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    expect((await submitForm(head, `/evaluations/${String(ev._id)}`, `/evaluations/${String(ev._id)}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD') })).status).to.equal(302);
    const overdue = await overdueFor(await asActor(w.headA._id), periodId);
    expect(overdue.selfAssessments.map((o) => o.staffName)).to.deep.equal(['Quàng Thị Lan', 'Lò Văn Phích']);
    expect(overdue.evaluations.map((o) => o.staffName)).to.deep.equal(['Quàng Thị Lan', 'Lò Văn Phích']);
    const page = await head.get(`/evaluations/periods/${periodId}`);
    expect(page.text).to.contain('Quá hạn tự đánh giá');
    expect(page.text).to.contain('Chưa cấu hình máy chủ thư');
  });

  it('when reminders are sent, then the real SMTP server receives one to the late person and one to the head listing the people', async () => {
    const mailer = createMailer(testConfig({ ...smtpFields(smtp), MAIL_FROM: 'Công Bộc <congboc@dienbien.example.vn>' }));
    const result = await sendReminders(await asActor(w.admin._id), periodId, mailer);
    // Lan and the chairman (late with his own self-assessment) are reminded, then the chairman as head; Bình has no login.
    expect(result).to.deep.equal({ sent: 3, withoutAddress: 1, mailConfigured: true });
    expect(smtp.received.filter((m) => m.to.includes('chutich@thanhnua.example.vn'))).to.have.length(2);
    const toLan = smtp.received.find((m) => m.to.includes('lan@thanhnua.example.vn'))!;
    expect(decoded(toLan.raw)).to.contain('Nhắc tự đánh giá quy tắc ứng xử — kỳ 2025-11 — Xã Thanh Nưa');
    expect(decoded(toLan.raw)).to.contain('05/12/2025');
    const toHead = smtp.received.find((m) => m.to.includes('chutich@thanhnua.example.vn') && decoded(m.raw).includes('Nhắc hoàn tất đánh giá'))!;
    expect(decoded(toHead.raw)).to.contain('- Quàng Thị Lan (Bộ phận tiếp nhận và trả kết quả)');
    expect(decoded(toHead.raw)).to.contain('- Lường Văn Bình');
    expect(decoded(toHead.raw)).to.not.contain('- Lò Văn Phích'); // a head is not reminded to evaluate themself
    expect(await AuditEntryModel.countDocuments({ objectType: 'period', action: 'remind' })).to.equal(1);
  });

  it('when no SMTP server is configured, then nothing is sent and the lists remain', async () => {
    expect(createMailer(testConfig())).to.equal(null);
    const result = await sendReminders(await asActor(w.admin._id), periodId, null);
    expect(result).to.deep.equal({ sent: 0, withoutAddress: 0, mailConfigured: false });
    expect(smtp.received).to.have.length(0);
  });
});
