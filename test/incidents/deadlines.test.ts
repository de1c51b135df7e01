import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { UserModel } from '../../src/auth/model.js';
import { loadVietnamYear } from '../../src/holidays/service.js';
import { IncidentReportModel, ReportNoticeModel } from '../../src/incidents/model.js';
import { escalateOverdue } from '../../src/incidents/deadlines.js';
import { extendDeadline, transition } from '../../src/incidents/handling.js';
import { listCases } from '../../src/incidents/inbox.js';
import type { Mailer, OutgoingMail } from '../../src/notifications/mailer.js';
import { asActor, fileAbout, makeWorld, settings, type World } from './world.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);
/** 10:00 in Việt Nam on a day. */
const vn = (isoDay: string) => new Date(`${isoDay}T03:00:00Z`);

class RecordingMailer implements Mailer {
  sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.sent.push(mail);
  }
}

describe('deadlines in working days and escalation', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    await loadVietnamYear(null, 2026);
  });

  it('when a report arrives just before Tết 2026, then its deadline skips the break; once past, it is flagged, escalated, noticed and e-mailed once', async () => {
    await UserModel.updateOne({ _id: w.admin._id }, { $set: { email: 'sonoivu@dienbien.example.vn' } });
    const { report } = await fileAbout(w, { occurredOn: new Date(Date.UTC(2026, 1, 12)) }, { now: vn('2026-02-13') });
    expect(settings.REPORT_DAYS_ACKNOWLEDGE).to.equal(2);
    expect(iso(report.dueAt)).to.equal('2026-02-24');

    const mailer = new RecordingMailer();
    expect((await escalateOverdue(vn('2026-02-24'), { settings, mailer })).escalated).to.have.length(0);
    const run = await escalateOverdue(vn('2026-02-25'), { settings, mailer });
    expect(run.escalated.map((e) => e.caseNumber)).to.deep.equal([report.caseNumber]);
    const flagged = (await IncidentReportModel.findById(report._id).lean())!;
    expect(flagged.overdue).to.equal(1);
    expect(flagged.wasLate).to.equal(1);
    expect(String(flagged.escalatedToUnitId)).to.equal(String(w.province._id));
    expect(flagged.escalationLevel).to.equal(1);
    const notices = await ReportNoticeModel.find({ kind: 'CASE_ESCALATED' }).lean();
    expect(notices.map((n) => String(n.userId))).to.deep.equal([String(w.admin._id)]);
    expect(mailer.sent.map((m) => m.to)).to.deep.equal(['sonoivu@dienbien.example.vn']);
    expect(mailer.sent[0]!.subject).to.contain(report.caseNumber);

    expect((await escalateOverdue(vn('2026-02-26'), { settings, mailer })).escalated).to.have.length(0);
    expect(mailer.sent).to.have.length(1);

    const head = await asActor(w.headA._id);
    const overdueOnly = await listCases(head, { overdue: true, page: 1 }, vn('2026-02-25'));
    expect(overdueOnly.rows.map((r) => r.caseNumber)).to.deep.equal([report.caseNumber]);

    // Late acknowledgement: the step is marked late and the outcome says so.
    await transition(head, String(report._id), { to: 'UNDER_REVIEW', note: 'Tiếp nhận muộn' }, settings, vn('2026-02-25'));
    const reviewing = (await IncidentReportModel.findById(report._id).lean())!;
    expect(reviewing.history.at(-1)!.late).to.equal(true);
    expect(reviewing.overdue).to.equal(0);
    await transition(head, String(report._id), { to: 'NOT_SUBSTANTIATED', note: 'Không có cơ sở' }, settings, vn('2026-02-26'));
    await transition(head, String(report._id), { to: 'CLOSED', note: 'Đóng' }, settings, vn('2026-02-27'));
    expect((await IncidentReportModel.findById(report._id).lean())!.outcome).to.equal('LATE');
  });

  it('when the deadline crosses 30/4 and 1/5/2026, then both are skipped', async () => {
    const { report } = await fileAbout(w, { occurredOn: new Date(Date.UTC(2026, 3, 28)) }, { now: vn('2026-04-29') });
    expect(iso(report.dueAt)).to.equal('2026-05-05');
  });

  it('when a step is extended and finished within the new deadline, then the outcome reads extended; without it, on time', async () => {
    const head = await asActor(w.headA._id);
    const a = (await fileAbout(w, { occurredOn: new Date(Date.UTC(2026, 2, 1)) }, { now: vn('2026-03-02') })).report;
    expect(iso(a.dueAt)).to.equal('2026-03-04');
    await extendDeadline(head, String(a._id), { days: 3, reason: 'Chờ xác minh camera' }, vn('2026-03-03'));
    expect(iso((await IncidentReportModel.findById(a._id).lean())!.dueAt)).to.equal('2026-03-09');
    expect((await escalateOverdue(vn('2026-03-06'), { settings, mailer: null })).escalated).to.have.length(0);
    await transition(head, String(a._id), { to: 'CLOSED', note: 'Trùng' }, settings, vn('2026-03-09'));
    expect((await IncidentReportModel.findById(a._id).lean())!.outcome).to.equal('EXTENDED');

    const b = (await fileAbout(w, { occurredOn: new Date(Date.UTC(2026, 2, 1)) }, { now: vn('2026-03-02') })).report;
    await transition(head, String(b._id), { to: 'CLOSED', note: 'Trùng' }, settings, vn('2026-03-04'));
    expect((await IncidentReportModel.findById(b._id).lean())!.outcome).to.equal('ON_TIME');
  });

  it('when each step begins, then its deadline comes from its own setting', async () => {
    const head = await asActor(w.headA._id);
    const { report } = await fileAbout(w, { occurredOn: new Date(Date.UTC(2026, 2, 1)) }, { now: vn('2026-03-02') });
    await transition(head, String(report._id), { to: 'UNDER_REVIEW', note: 'Xem xét' }, settings, vn('2026-03-02'));
    // REPORT_DAYS_REVIEW = 10 working days from Monday 2/3.
    expect(iso((await IncidentReportModel.findById(report._id).lean())!.dueAt)).to.equal('2026-03-16');
    await transition(head, String(report._id), { to: 'SUBSTANTIATED', note: 'Có cơ sở' }, settings, vn('2026-03-05'));
    expect(iso((await IncidentReportModel.findById(report._id).lean())!.dueAt)).to.equal('2026-03-19');
  });
});
