import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { IncidentReportModel, ReporterIdentityModel } from '../../src/incidents/model.js';
import { makeWorld, type World } from './world.js';
import { logSink } from '../helpers/log-sink.js';

async function as(username: string): Promise<Agent> {
  const agent = agentFor(testApp());
  await login(agent, username);
  return agent;
}

const today = () => new Date().toISOString().slice(0, 10);

async function filePeer(agent: Agent, w: World, fields: Record<string, string | string[]>) {
  const _csrf = await csrfFrom(agent, `/reports/new?unit=${w.communeA._id}`);
  return agent
    .post('/reports')
    .type('form')
    .send({ _csrf, unitId: String(w.communeA._id), staffId: String(w.lan._id), criterionCodes: ['K5'], occurredOn: today(), description: 'Đồng chí Lan nhận tiền để giải quyết hồ sơ nhanh.', ...fields });
}

describe('peer reports and reporter confidentiality', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a colleague files a denunciation, then neither the head, the audit log nor the request log names them, and the administrator sees them with every look audited', async () => {
    const nam = await as(w.namUser.username);
    const logMark = logSink.mark();
    const res = await filePeer(nam, w, { kind: 'TO_CAO', address: 'Bản Na Hai, xã Thanh Nưa', phone: '0987654321' });
    expect(res.status).to.equal(302);
    const receipt = await nam.get('/reports/receipt');
    expect(receipt.text).to.match(/data-tracking-code>[0-9A-Z]{4}-/);
    const reporterLines = logSink.since(logMark).split('\n').filter((line) => /"url":"\/reports(\/receipt)?"/.test(line));
    expect(reporterLines, 'request lines of the filing and the receipt').to.have.length(2);
    for (const line of reporterLines) expect(line).not.to.contain(String(w.namUser._id));
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.kind).to.equal('TO_CAO');
    expect(report.source).to.equal('PEER');
    expect(JSON.stringify(report)).not.to.contain('Trần Văn Nam').and.not.to.contain(String(w.namUser._id));
    const identity = (await ReporterIdentityModel.findOne({ reportId: report._id }).lean())!;
    expect(identity.name).to.equal('Trần Văn Nam');
    expect(String(identity.userId)).to.equal(String(w.namUser._id));

    const head = await as(w.headA.username);
    const casePage = await head.get(`/reports/${report._id}`);
    expect(casePage.status).to.equal(200);
    for (const secret of ['Trần Văn Nam', 'Bản Na Hai', '0987654321']) expect(casePage.text).not.to.contain(secret);
    expect(casePage.text).to.contain('Danh tính người gửi được bảo mật');
    expect((await head.get(`/reports/${report._id}/reporter`)).status).to.equal(403);
    const createAudit = (await AuditEntryModel.findOne({ objectId: report._id, action: 'create' }).lean())!;
    expect(JSON.stringify(createAudit)).not.to.contain('Bản Na Hai').and.not.to.contain('Trần Văn Nam').and.not.to.contain(String(w.namUser._id));

    const admin = await as(w.admin.username);
    for (let i = 0; i < 2; i++) {
      const page = await admin.get(`/reports/${report._id}/reporter`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Trần Văn Nam').and.to.contain('Bản Na Hai, xã Thanh Nưa').and.to.contain('0987654321');
    }
    const looks = await AuditEntryModel.find({ objectId: report._id, action: 'viewReporterIdentity' }).lean();
    expect(looks).to.have.length(2);
    expect(looks.every((l) => String(l.actorId) === String(w.admin._id))).to.equal(true);

    const mine = await nam.get('/reports/mine');
    expect(mine.text).to.contain(report.caseNumber);
    expect((await nam.get(`/reports/mine/${report._id}`)).status).to.equal(200);
    expect((await (await as(w.lanUser.username)).get(`/reports/mine/${report._id}`)).status).to.equal(403);
  });

  it('when a denunciation is sent anonymously or without an address, then 422 and nothing is stored', async () => {
    const nam = await as(w.namUser.username);
    const res = await filePeer(nam, w, { kind: 'TO_CAO', anonymous: 'on' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Tố cáo phải ghi rõ danh tính người tố cáo');
    expect(res.text).to.contain('Tố cáo cần địa chỉ của người tố cáo.');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
  });

  it('when a colleague reports anonymously, then no identity exists, the audit names nobody, and the administrator sees none either', async () => {
    const nam = await as(w.namUser.username);
    const logMark = logSink.mark();
    expect((await filePeer(nam, w, { kind: 'PHAN_ANH', anonymous: 'on' })).status).to.equal(302);
    const filingLog = logSink.since(logMark).split('\n').filter((line) => line.includes('"url":"/reports"'));
    expect(filingLog, 'the request line of the filing').to.have.length(1);
    expect(filingLog[0]).not.to.contain(String(w.namUser._id));
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.anonymous).to.equal(true);
    expect(await ReporterIdentityModel.countDocuments()).to.equal(0);
    const audit = (await AuditEntryModel.findOne({ objectId: report._id, action: 'create' }).lean())!;
    expect(audit.actorId).to.equal(null);
    expect(audit.actorName).to.equal('system');
    expect(report.history[0]!.byUserId ?? null).to.equal(null);
    const page = await (await as(w.admin.username)).get(`/reports/${report._id}/reporter`);
    expect(page.text).to.contain('Phản ánh ẩn danh: không có thông tin người gửi.');
    expect((await nam.get('/reports/mine')).text).not.to.contain(report.caseNumber);
  });
});
