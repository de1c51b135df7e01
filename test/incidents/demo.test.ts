import { expect } from 'chai';
import { loadDemo } from '../helpers/demo.js';
import { settings } from './world.js';
import { createLogger } from '../../src/shared/logger.js';
import { seedReportsDemo } from '../../seeds/demo-reports.js';
import { REPORT_STATUSES, IncidentReportModel, ReporterIdentityModel, ReportNoticeModel, type IncidentReport } from '../../src/incidents/model.js';
import { letterDocx } from '../../src/incidents/letter.js';
import { earlyWarnings } from '../../src/incidents/warnings.js';
import { UserModel } from '../../src/auth/model.js';
import { actorOf } from '../../src/auth/service.js';
import { UnitModel } from '../../src/units/model.js';

const quiet = createLogger('silent');
const actor = async (username: string) => actorOf((await UserModel.findOne({ username }).lean())!);

describe('reports demo', () => {
  let reports: IncidentReport[];

  before(async function () {
    this.timeout(90_000);
    await loadDemo();
    // The demo runs it through seeds/features.ts; a second call must be harmless either way.
    await seedReportsDemo(quiet, new Date(), settings);
    reports = await IncidentReportModel.find({}).lean<IncidentReport[]>();
  });

  it('when the demo is loaded, then every status of the workflow has at least one case', () => {
    const statuses = new Set(reports.map((r) => r.status));
    for (const s of REPORT_STATUSES) expect(statuses.has(s), s).to.equal(true);
  });

  it('when the demo is loaded, then it has anonymous and named citizen reports, peer reports and a named tố cáo', () => {
    expect(reports.some((r) => r.source === 'CITIZEN' && r.anonymous)).to.equal(true);
    expect(reports.some((r) => r.source === 'CITIZEN' && !r.anonymous)).to.equal(true);
    expect(reports.filter((r) => r.source === 'PEER').length).to.be.at.least(2);
    const denunciation = reports.find((r) => r.kind === 'TO_CAO');
    expect(denunciation?.anonymous).to.equal(false);
    expect(denunciation?.caseNumber).to.match(/^TC-\d{4}-/);
  });

  it('when the demo is loaded, then the Thanh Luông case keeps its pre-reform commune, is resolved and its apology letter was sent and can be printed', async () => {
    const thanhLuong = await UnitModel.findOne({ name: 'Xã Thanh Luông' }).lean();
    expect(thanhLuong!.effectiveTo).to.not.equal(null);
    const c = reports.find((r) => String(r.reportingUnitId) === String(thanhLuong!._id) && r.dossierNumber);
    expect(c, 'Thanh Luông case').to.not.equal(undefined);
    expect(c!.status).to.equal('RESOLVED');
    expect(c!.receivedAt.getTime()).to.be.below(thanhLuong!.effectiveTo!.getTime());
    expect(c!.criterionCodes).to.include('X2');
    expect(c!.substantiated).to.equal(true);
    expect(c!.remedies.map((r) => r.kind)).to.include('APOLOGY');
    expect(c!.letterSentAt).to.be.instanceOf(Date);
    expect(c!.letter!.documentNumber).to.not.equal('');
    expect(c!.letter!.body).to.contain('đăng ký kết hôn');
    expect([c!.year, c!.month, c!.periodKey]).to.deep.equal([c!.occurredAt.getUTCFullYear(), c!.occurredAt.getUTCMonth() + 1, `${c!.occurredAt.getUTCFullYear()}-${String(c!.occurredAt.getUTCMonth() + 1).padStart(2, '0')}`]);
    expect(c!.history.map((h) => h.to)).to.deep.equal(['RECEIVED', 'UNDER_REVIEW', 'SUBSTANTIATED', 'RESOLVED']);
    expect((await ReporterIdentityModel.findOne({ reportId: c!._id }).lean())?.name).to.equal('Quàng Văn Hậu');

    const { buffer, fileName } = await letterDocx(await actor('admin'), String(c!._id));
    expect(buffer.subarray(0, 2).toString()).to.equal('PK');
    expect(fileName).to.equal(`thu-xin-loi-${c!.caseNumber}.docx`);
  });

  it('when the demo is loaded, then anonymous reports store no identity and named ones do', async () => {
    const anonymous = reports.filter((r) => r.anonymous).map((r) => r._id);
    const named = reports.filter((r) => !r.anonymous).map((r) => r._id);
    expect(anonymous.length).to.be.at.least(3);
    expect(await ReporterIdentityModel.countDocuments({ reportId: { $in: anonymous } })).to.equal(0);
    expect(await ReporterIdentityModel.countDocuments({ reportId: { $in: named } })).to.equal(named.length);
  });

  it('when the demo is loaded, then some open cases are overdue and escalated, and the dates spread over months before today', () => {
    const overdue = reports.filter((r) => r.overdue === 1);
    expect(overdue.length).to.be.at.least(2);
    expect(overdue.every((r) => r.escalationLevel >= 1)).to.equal(true);
    const now = Date.now();
    expect(reports.every((r) => r.receivedAt.getTime() <= now && r.history.every((h) => h.at.getTime() <= now))).to.equal(true);
    const months = new Set(reports.map((r) => r.periodKey));
    expect(months.size).to.be.at.least(6);
    expect(reports.some((r) => r.outcome === 'LATE') && reports.some((r) => r.outcome === 'EXTENDED')).to.equal(true);
  });

  it('when the head of Thanh Nưa looks, then the desk officer with repeated substantiated L2 reports raises an early warning', async () => {
    const warnings = await earlyWarnings(await actor('truongxa'), settings);
    const staffWarning = warnings.find((w) => w.kind === 'STAFF' && w.criterionCode === 'L2');
    expect(staffWarning, JSON.stringify(warnings)).to.not.equal(undefined);
    expect(staffWarning!.count).to.be.at.least(settings.EARLY_WARNING_THRESHOLD);
  });

  it('when the demo runs again, then nothing is duplicated', async () => {
    expect(await seedReportsDemo(quiet, new Date(), settings)).to.deep.equal({ reports: 0 });
    expect(await IncidentReportModel.countDocuments({})).to.equal(reports.length);
  });

  it('when the reports are seeded again from scratch with the same clock, then the same cases come out', async function () {
    this.timeout(60_000);
    const now = new Date();
    const fresh = async () => {
      await Promise.all([IncidentReportModel.deleteMany({}), ReporterIdentityModel.deleteMany({}), ReportNoticeModel.deleteMany({})]);
      await seedReportsDemo(quiet, now, settings);
      const rows = await IncidentReportModel.find({}).sort({ receivedAt: 1 }).lean<IncidentReport[]>();
      return rows.map((r) => ({ at: r.receivedAt.toISOString(), unit: r.unitName, staff: r.staffName, status: r.status, steps: r.history.map((h) => `${h.to}@${h.at.toISOString()}`) }));
    };
    const first = await fresh();
    expect(first.length).to.equal(reports.length);
    expect(await fresh()).to.deep.equal(first);
  });
});
