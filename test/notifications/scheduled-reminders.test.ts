import { expect } from 'chai';
import type { Types } from 'mongoose';
import { decoded, startSmtp, smtpFields } from '../helpers/smtp.js';
import { clearDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/app.js';
import { UserModel } from '../../src/auth/model.js';
import { loadVietnamYear } from '../../src/holidays/service.js';
import { ReportNoticeModel } from '../../src/incidents/model.js';
import { submitExplanation, transition } from '../../src/incidents/handling.js';
import { recordExplanation } from '../../src/incidents/due-process.js';
import { remindCaseDeadlines, type ReminderSettings } from '../../src/incidents/reminders.js';
import { createMailer } from '../../src/notifications/mailer.js';
import { withLease } from '../../src/notifications/index.js';
import { commandsOf } from '../helpers/command-log.js';
import { translator } from '../../src/shared/i18n.js';
import { asActor, fileAbout, makeWorld, type World } from '../incidents/world.js';
/** 10:00 in Việt Nam on a day. */
const vn = (isoDay: string) => new Date(`${isoDay}T03:00:00Z`);

describe('scheduled reminders before case deadlines', function () {
  this.timeout(120_000);
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let settings: ReminderSettings;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    await loadVietnamYear(null, 2026);
    smtp = await startSmtp();
    settings = { ...testConfig({ ...smtpFields(smtp) }), REMINDER_DAYS_BEFORE: 1 };
  });
  afterEach(async () => smtp.close());

  it('when a handling deadline and then an explanation deadline come near, then the head and then the subject are reminded once each, in their own language, by notice and e-mail, never naming the reporter; a finished step is not reminded', async () => {
    await UserModel.updateOne({ _id: w.headA._id }, { $set: { email: 'chutich@thanhnua.example.vn', language: 'en' } });
    const reporter = { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ', phone: '0912345678' } as const;
    // Filed on Monday 2/3/2026: acknowledgement due Wednesday 4/3 (2 working days).
    const { report } = await fileAbout(w, { staffId: String(w.lan._id), occurredOn: new Date(Date.UTC(2026, 2, 2)) }, { reporter, now: vn('2026-03-02') });
    const mailer = createMailer(settings);

    expect(await remindCaseDeadlines(vn('2026-03-02'), { settings, mailer })).to.deep.equal({ handler: 0, explanation: 0, mailed: 0 });
    expect(await remindCaseDeadlines(vn('2026-03-03'), { settings, mailer })).to.deep.equal({ handler: 1, explanation: 0, mailed: 1 });
    expect(smtp.received.map((m) => m.to)).to.deep.equal([['chutich@thanhnua.example.vn']]);
    const toHead = decoded(smtp.received[0]!.raw);
    expect(toHead).to.contain(`Reminder: report ${report.caseNumber} is due soon`);
    expect(toHead).to.contain('04/03/2026');
    expect(toHead).not.to.contain('Hoàng Văn Tỵ');
    expect((await ReportNoticeModel.find({ kind: 'CASE_DUE_SOON' }).lean()).map((n) => String(n.userId))).to.deep.equal([String(w.headA._id)]);

    // The next run (a restart, the next hour) sends nothing again.
    expect(await remindCaseDeadlines(vn('2026-03-03'), { settings, mailer })).to.deep.equal({ handler: 0, explanation: 0, mailed: 0 });
    expect(smtp.received).to.have.length(1);

    // The step is done: acknowledged, the case's review is due on 17/3 and Lan's explanation on 10/3.
    await transition(await asActor(w.headA._id), String(report._id), { to: 'UNDER_REVIEW', note: 'Tiếp nhận' }, settings, vn('2026-03-03'), { mailer: null });
    expect(await remindCaseDeadlines(vn('2026-03-04'), { settings, mailer })).to.deep.equal({ handler: 0, explanation: 0, mailed: 0 });

    expect(await remindCaseDeadlines(vn('2026-03-09'), { settings, mailer })).to.deep.equal({ handler: 0, explanation: 1, mailed: 1 });
    expect(smtp.received.map((m) => m.to)).to.deep.equal([['chutich@thanhnua.example.vn'], ['lan@thanhnua.example.vn']]);
    const toLan = decoded(smtp.received[1]!.raw);
    expect(toLan).to.contain(`Nhắc hạn giải trình phản ánh ${report.caseNumber}`);
    expect(toLan).to.contain('10/03/2026');
    expect(toLan).not.to.contain('Hoàng Văn Tỵ');
    expect((await ReportNoticeModel.find({ kind: 'EXPLANATION_DUE_SOON' }).lean()).map((n) => String(n.userId))).to.deep.equal([String(w.lanUser._id)]);
    expect(await remindCaseDeadlines(vn('2026-03-10'), { settings, mailer })).to.deep.equal({ handler: 0, explanation: 0, mailed: 0 });
  });

  it('when the explanation is in (recorded by the handler, or written by the subject), then the reminder before its deadline leaves the subject’s notices and the request is read', async () => {
    const recorded = (await fileAbout(w, { staffId: String(w.lan._id), occurredOn: new Date(Date.UTC(2026, 2, 2)) }, { now: vn('2026-03-02') })).report;
    const written = (await fileAbout(w, { staffId: String(w.lan._id), occurredOn: new Date(Date.UTC(2026, 2, 2)) }, { now: vn('2026-03-02') })).report;
    const head = await asActor(w.headA._id);
    for (const r of [recorded, written]) await transition(head, String(r._id), { to: 'UNDER_REVIEW', note: 'Tiếp nhận' }, settings, vn('2026-03-03'), { mailer: null });
    expect((await remindCaseDeadlines(vn('2026-03-09'), { settings, mailer: null })).explanation).to.equal(2);
    const dueSoon = async (reportId: Types.ObjectId) => ReportNoticeModel.countDocuments({ reportId, userId: w.lanUser._id, kind: 'EXPLANATION_DUE_SOON' });
    const requestRead = async (reportId: Types.ObjectId) => (await ReportNoticeModel.findOne({ reportId, userId: w.lanUser._id, kind: 'EXPLANATION_REQUESTED' }).lean())?.readAt ?? null;
    expect([await dueSoon(recorded._id), await dueSoon(written._id)]).to.deep.equal([1, 1]);

    await recordExplanation(head, String(recorded._id), { channel: 'PAPER', receivedOn: new Date(Date.UTC(2026, 2, 9)), text: 'Giải trình bằng văn bản.' }, vn('2026-03-09'));
    expect(await dueSoon(recorded._id)).to.equal(0);
    expect(await requestRead(recorded._id)).to.be.instanceOf(Date);
    expect(await dueSoon(written._id), 'the other case’s reminder stays').to.equal(1);

    await submitExplanation(await asActor(w.lanUser._id), String(written._id), 'Tôi xin giải trình.', vn('2026-03-09'));
    expect(await dueSoon(written._id)).to.equal(0);
    expect(await requestRead(written._id)).to.be.instanceOf(Date);
  });

  it('when one process holds the reminders lease, then another does not run the job until it is released', async () => {
    let inner: unknown = 'not run';
    const outer = await withLease('case-reminders', async () => {
      inner = await withLease('case-reminders', async () => 'ran');
      return 'outer';
    });
    expect(outer).to.equal('outer');
    expect(inner).to.equal(null);
    expect(await withLease('case-reminders', async () => 'again')).to.equal('again');
  });

  it('when the lease document exists, then taking the lease again inserts nothing (a failed insert each time made the engine log an error twice a minute)', async () => {
    await withLease('case-reminders', async () => 'first');
    const { commands } = await commandsOf(() => withLease('case-reminders', async () => 'second'));
    expect(commands.filter((c) => c.collection === 'jobleases').map((c) => c.name)).to.deep.equal(['update', 'update', 'update']);
  });

  it('each reminder kind renders in Vietnamese and in English, with the case number and the date filled in', () => {
    const keys = ['reports.mail.dueSoonSubject', 'reports.mail.dueSoonText', 'reports.mail.explanationDueSoonSubject', 'reports.mail.explanationDueSoonText', 'reports.notices.CASE_DUE_SOON', 'reports.notices.EXPLANATION_DUE_SOON'];
    for (const key of keys) {
      const vi = translator('vi')(key, { number: 'PA-2026-ABC', date: '04/03/2026' });
      const en = translator('en')(key, { number: 'PA-2026-ABC', date: '04/03/2026' });
      expect(vi, key).to.contain('PA-2026-ABC').and.not.to.contain('{{');
      expect(en, key).to.contain('PA-2026-ABC').and.not.to.contain('{{');
      expect(en, key).not.to.equal(vi);
    }
  });
});
