import { expect } from 'chai';
import { AuditEntryModel } from '../../src/audit/model.js';
import { RetentionSettingsModel } from '../../src/privacy/model.js';
import { retentionSettings } from '../../src/privacy/settings.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUser } from '../helpers/factories.js';
import { makeWorld, type World } from '../incidents/world.js';

/** The retention periods at /privacy: set by the province administrator only, within bounds, every change audited. */

describe('the retention settings page', function () {
  this.timeout(120_000);
  let w: World;

  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  async function as(username: string): Promise<Agent> {
    const agent = agentFor(testApp());
    await login(agent, username);
    return agent;
  }
  const post = async (agent: Agent, action: string, fields: Record<string, string>) => {
    const _csrf = await csrfFrom(agent, '/privacy');
    return agent.post(action).type('form').send({ _csrf, ...fields });
  };

  it('when the province administrator opens it, then it shows the defaults (60 months, 12 months, 24 hours, 36 months for the register) and that nothing has run yet', async () => {
    const page = await (await as(w.admin.username)).get('/privacy');
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/name="reportMonths" type="number" value="60"/).and.to.match(/name="ratingCommentMonths" type="number" value="12"/).and.to.match(/name="exportHours" type="number" value="24"/).and.to.match(/name="requestMonths" type="number" value="36"/).and.to.match(/name="accessHours" type="number" value="72"/).and.to.match(/name="restrictionHours" type="number" value="72"/);
    expect(page.text).to.contain('Chưa chạy lần nào.');
  });

  it('when the province administrator saves new periods, then they are in force and the change is audited with its before and after', async () => {
    const admin = await as(w.admin.username);
    const res = await post(admin, '/privacy', { reportMonths: '36', ratingCommentMonths: '6', exportHours: '48', requestMonths: '24', accessHours: '360', correctionHours: '72', deletionHours: '72', restrictionHours: '72', contact: 'Văn phòng UBND tỉnh' });
    expect([res.status, res.headers.location]).to.deep.equal([302, '/privacy']);
    expect(await retentionSettings()).to.deep.equal({ reportMonths: 36, ratingCommentMonths: 6, exportHours: 48, requestMonths: 24, accessHours: 360, correctionHours: 72, deletionHours: 72, restrictionHours: 72, contact: 'Văn phòng UBND tỉnh' });
    const entries = await AuditEntryModel.find({ objectType: 'retention', action: 'update' }).lean();
    expect(entries.map((e) => [e.actorName, e.unitPath.map(String)])).to.deep.equal([[w.admin.displayName, [String(w.province._id)]]]);
    expect(entries[0]!.changes.map((c) => [c.field, c.before, c.after])).to.deep.include.members([
      ['reportMonths', 60, 36],
      ['ratingCommentMonths', 12, 6],
      ['exportHours', 24, 48],
      ['requestMonths', 36, 24],
      ['accessHours', 72, 360],
    ]);
    expect((await admin.get('/privacy')).text).to.contain('Đã lưu thời hạn lưu trữ.');
  });

  it('when the periods are out of bounds or not numbers, then 422 with a message beside each field, the values kept, nothing saved or audited', async () => {
    const admin = await as(w.admin.username);
    const res = await post(admin, '/privacy', { reportMonths: '6', ratingCommentMonths: 'mười', exportHours: '0', requestMonths: '11', accessHours: '23', correctionHours: '72', deletionHours: '72', restrictionHours: '72', contact: 'Liên hệ' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Nhập số tháng từ 12 đến 120.').and.to.contain('Nhập số tháng từ 1 đến 60.').and.to.contain('Nhập số giờ từ 1 đến 720.').and.to.contain('Nhập số tháng từ 12 đến 60.').and.to.contain('Nhập số giờ từ 24 đến 840.');
    expect(res.text).to.match(/name="reportMonths" type="number" value="6"/).and.to.match(/name="requestMonths" type="number" value="11"/).and.to.match(/name="ratingCommentMonths" type="number" value="mười"/);
    expect(await RetentionSettingsModel.countDocuments({})).to.equal(0);
    expect(await AuditEntryModel.countDocuments({ objectType: 'retention' })).to.equal(0);
    const tooLong = await post(admin, '/privacy', { reportMonths: '121', ratingCommentMonths: '61', exportHours: '721', requestMonths: '61', accessHours: '841', correctionHours: '841', deletionHours: '841', restrictionHours: '841', contact: 'x'.repeat(301) });
    expect(tooLong.status).to.equal(422);
    expect(await RetentionSettingsModel.countDocuments({})).to.equal(0);
  });

  it('when the administrator runs it now, then the page shows the last run’s counts and who asked for it', async () => {
    const admin = await as(w.admin.username);
    const res = await post(admin, '/privacy/run', {});
    expect([res.status, res.headers.location]).to.deep.equal([302, '/privacy']);
    const page = (await admin.get('/privacy')).text;
    expect(page).to.contain('Đã chạy: ẩn danh 0 hồ sơ phản ánh, xoá 0 góp ý');
    expect(page).to.contain(`(${w.admin.displayName})`).and.to.contain('Ẩn danh 0 hồ sơ phản ánh');
    expect(await AuditEntryModel.countDocuments({ objectType: 'retention', action: 'retentionRun', actorName: w.admin.displayName })).to.equal(1);
  });

  it('when a head, a staff member or an administrator of a commune (not the province) tries, then 403 and nothing changes; a visitor is sent to log in', async () => {
    const communeAdmin = await makeUser({ displayName: 'Quản trị xã', roles: [{ role: 'admin', unit: w.communeA }] });
    for (const username of [w.headA.username, w.lanUser.username, communeAdmin.username]) {
      const agent = await as(username);
      expect((await agent.get('/privacy')).status, username).to.equal(403);
      const _csrf = await csrfFrom(agent, '/');
      expect((await agent.post('/privacy').type('form').send({ _csrf, reportMonths: '12', ratingCommentMonths: '1', exportHours: '1', requestMonths: '12', accessHours: '72', correctionHours: '72', deletionHours: '72', restrictionHours: '72', contact: '' })).status, username).to.equal(403);
      expect((await agent.post('/privacy/run').type('form').send({ _csrf })).status, username).to.equal(403);
    }
    expect(await RetentionSettingsModel.countDocuments({})).to.equal(0);
    expect(await AuditEntryModel.countDocuments({ objectType: 'retention' })).to.equal(0);
    const visitor = agentFor(testApp());
    const res = await visitor.get('/privacy');
    expect([res.status, res.headers.location]).to.deep.equal([302, '/login']);
  });
});
