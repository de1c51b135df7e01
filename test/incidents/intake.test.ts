import { expect } from 'chai';
import sharp from 'sharp';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { logSink } from '../helpers/log-sink.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { IncidentReportModel, ReporterIdentityModel } from '../../src/incidents/model.js';
import { hashOfTyped } from '../../src/incidents/tracking.js';
import { vietnamDay } from '../../src/shared/dates.js';
import { makeWorld, type World } from './world.js';

async function as(username: string): Promise<Agent> {
  const agent = agentFor(testApp());
  await login(agent, username);
  return agent;
}

const today = () => vietnamDay().toISOString().slice(0, 10);

async function record(agent: Agent, w: World, fields: Record<string, string | string[]>, unit = w.communeA) {
  const _csrf = await csrfFrom(agent, `/reports/new-intake?unit=${unit._id}`);
  return agent
    .post('/reports/new-intake')
    .type('form')
    .send({ _csrf, unitId: String(unit._id), staffId: String(w.lan._id), criterionCodes: ['X1'], occurredOn: today(), description: 'Bà cụ gọi điện: cán bộ một cửa quát, không hướng dẫn.', ...fields });
}

describe('reports received by phone, letter, hotline, suggestion box or in person', function () {
  this.timeout(60_000);
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a head records an anonymous phone report, then it is a citizen case with its channel, nothing personal stored, the handler audited, and a printable receipt shows the code once', async () => {
    const head = await as(w.headA.username);
    const res = await record(head, w, { channel: 'PHONE', identity: 'anonymous', name: 'Lò Thị Hoa', phone: '0912 000 111' });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/reports/new-intake/receipt');
    const receipt = await head.get('/reports/new-intake/receipt');
    expect(receipt.status).to.equal(200);
    expect(receipt.headers['cache-control']).to.equal('no-store');
    const code = /data-tracking-code>([0-9A-Z-]+)</.exec(receipt.text)![1]!;
    expect(receipt.text).to.contain('/tra-cuu').and.to.contain('Phiếu tiếp nhận phản ánh').and.to.contain('intake-receipt.css').and.to.contain(w.communeA.name);

    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.source).to.equal('CITIZEN');
    expect(report.channel).to.equal('PHONE');
    expect(report.anonymous).to.equal(true);
    expect(report.trackingHash).to.equal(hashOfTyped(code));
    expect(await ReporterIdentityModel.countDocuments()).to.equal(0);
    expect(JSON.stringify(report)).not.to.contain('Lò Thị Hoa').and.not.to.contain('0912 000 111');
    const audit = (await AuditEntryModel.findOne({ objectId: report._id, action: 'create' }).lean())!;
    expect(String(audit.actorId)).to.equal(String(w.headA._id));
    expect(audit.changes.find((c) => c.field === 'channel')?.after).to.equal('PHONE');

    const casePage = await head.get(`/reports/${report._id}`);
    expect(casePage.text).to.contain('data-intake-channel="PHONE"').and.to.contain('Điện thoại');

    // The citizen follows it with the code like any report.
    const citizen = agentFor(testApp());
    const _csrf = await csrfFrom(citizen, '/tra-cuu');
    expect((await citizen.post('/tra-cuu').type('form').send({ _csrf, code })).headers.location).to.equal('/tra-cuu/ho-so');

    // Printed: removed, and the code is not shown again.
    const forget = await head.post('/reports/new-intake/receipt/xoa').type('form').send({ _csrf: await csrfFrom(head, '/reports/new-intake/receipt') });
    expect(forget.status).to.equal(302);
    const gone = await head.get('/reports/new-intake/receipt');
    expect(gone.text).not.to.contain(code);
  });

  it('when a head records a named letter denunciation, then only the province sees who wrote it, and neither the audit, the log nor the head’s case page names them', async () => {
    const head = await as(w.headA.username);
    const mark = logSink.mark();
    const res = await record(head, w, { channel: 'LETTER', kind: 'TO_CAO', identity: 'named', name: 'Lò Thị Hoa', phone: '0912000111', address: 'Bản Co Muông' });
    expect(res.status).to.equal(302);
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.kind).to.equal('TO_CAO');
    expect(report.channel).to.equal('LETTER');
    const identity = (await ReporterIdentityModel.findOne({ reportId: report._id }).lean())!;
    expect(identity.name).to.equal('Lò Thị Hoa');
    expect(identity.address).to.equal('Bản Co Muông');
    const casePage = await head.get(`/reports/${report._id}`);
    for (const secret of ['Lò Thị Hoa', '0912000111', 'Bản Co Muông']) expect(casePage.text).not.to.contain(secret);
    expect((await head.get(`/reports/${report._id}/reporter`)).status).to.equal(403);
    const audits = JSON.stringify(await AuditEntryModel.find({ objectId: report._id }).lean());
    for (const secret of ['Lò Thị Hoa', '0912000111', 'Bản Co Muông']) {
      expect(audits).not.to.contain(secret);
      expect(logSink.since(mark)).not.to.contain(secret);
    }
    const admin = await as(w.admin.username);
    expect((await admin.get(`/reports/${report._id}/reporter`)).text).to.contain('Lò Thị Hoa');
  });

  it('when the input is bad, then 422 with the values kept: no channel, an anonymous denunciation, a named one without address', async () => {
    const head = await as(w.headA.username);
    const res = await record(head, w, { channel: '', description: 'Nội dung thư giữ nguyên' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Chọn kênh tiếp nhận.').and.to.contain('Nội dung thư giữ nguyên');
    const anonymous = await record(head, w, { channel: 'LETTER', kind: 'TO_CAO', identity: 'anonymous' });
    expect(anonymous.status).to.equal(422);
    expect(anonymous.text).to.contain('id="f-identity-error"');
    const named = await record(head, w, { channel: 'IN_PERSON', kind: 'TO_CAO', identity: 'named', name: 'Lò Thị Hoa' });
    expect(named.status).to.equal(422);
    expect(named.text).to.contain('f-address-error').and.to.contain('Lò Thị Hoa');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
  });

  it('when a head records for another commune or about themselves, or a desk officer tries, then it is refused and nothing is filed', async () => {
    const headB = await as(w.headB.username);
    expect((await record(headB, w, { channel: 'HOTLINE' })).status).to.equal(403);
    const page = await headB.get('/reports/new-intake');
    expect(page.text).not.to.contain(`value="${String(w.communeA._id)}"`);
    expect(page.text).to.contain(`value="${String(w.communeB._id)}"`);
    const headA = await as(w.headA.username);
    const self = await record(headA, w, { channel: 'IN_PERSON', staffId: String(w.chairA._id) });
    expect(self.status).to.equal(422);
    expect(self.text).to.contain('Bạn không thể ghi nhận phản ánh về chính mình');
    const lan = await as(w.lanUser.username);
    expect((await lan.get('/reports/new-intake')).status).to.equal(403);
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
  });

  it('when the province administrator records a suggestion-box report in any commune, then it is filed there', async () => {
    const admin = await as(w.admin.username);
    const res = await record(admin, w, { channel: 'SUGGESTION_BOX', staffId: String(w.mai._id) }, w.communeB);
    expect(res.status).to.equal(302);
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.channel).to.equal('SUGGESTION_BOX');
    expect(String(report.reportingUnitId)).to.equal(String(w.communeB._id));
  });

  it('when the letter’s scan is sent with the form (multipart), then a forged post is refused and a genuine one files the case with the file', async () => {
    const head = await as(w.headA.username);
    const scan = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
    const fields: Record<string, string> = { channel: 'LETTER', unitId: String(w.communeA._id), criterionCodes: 'X1', occurredOn: today(), description: 'Thư tay gửi Ủy ban xã.' };
    const post = (token?: string) => {
      let req = head.post('/reports/new-intake');
      if (token) req = req.field('_csrf', token);
      for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
      return req.attach('evidence', scan, 'thu.jpg');
    };
    expect((await post()).status).to.equal(403);
    expect((await post('forged')).status).to.equal(403);
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
    const _csrf = await csrfFrom(head, `/reports/new-intake?unit=${w.communeA._id}`);
    const res = await post(_csrf);
    expect(res.status).to.equal(302);
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.channel).to.equal('LETTER');
    expect(report.evidence).to.have.length(1);
  });
});
