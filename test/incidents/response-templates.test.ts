import { expect } from 'chai';
import { AuditEntryModel } from '../../src/audit/model.js';
import { IncidentReportModel, type ReportStatus } from '../../src/incidents/model.js';
import { ResponseTemplateModel } from '../../src/incidents/template-model.js';
import { formatDate, formatMomentDay } from '../../src/shared/dates.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { formFields } from '../helpers/forms.js';
import { fileAbout, makeWorld, type World } from './world.js';

async function as(username: string): Promise<Agent> {
  const agent = agentFor(testApp());
  await login(agent, username);
  return agent;
}

const unescape = (s: string) => s.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The picker's options on a case page: value, label and the text each puts in the reply box. */
function pickerOptions(html: string) {
  const select = /<select id="f-template"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option value="([^"]+)" data-text="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => ({ value: m[1]!, text: unescape(m[2]!), label: unescape(m[3]!) }));
}

const template = (w: World, fields: Partial<{ title: string; textVi: string; textEn: string; criterionCode: string; statuses: ReportStatus[]; active: boolean }>) =>
  ResponseTemplateModel.create({ provinceId: w.province._id, title: 'Mẫu', textVi: 'Nội dung.', ...fields });

describe('reply templates', function () {
  this.timeout(120_000);
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a head or a staff member opens or posts the template pages, then 403; the administrator is served', async () => {
    const t = await template(w, { title: 'Xác nhận' });
    for (const username of [w.headA.username, w.lanUser.username]) {
      const agent = await as(username);
      for (const path of ['/reports/templates', '/reports/templates/new', `/reports/templates/${t._id}/edit`]) expect((await agent.get(path)).status, `${username} GET ${path}`).to.equal(403);
      const _csrf = await csrfFrom(agent, '/reports/mine');
      expect((await agent.post('/reports/templates').type('form').send({ _csrf, title: 'X', textVi: 'Y' })).status).to.equal(403);
      expect((await agent.post(`/reports/templates/${t._id}/deactivate`).type('form').send({ _csrf })).status).to.equal(403);
    }
    const admin = await as(w.admin.username);
    const list = await admin.get('/reports/templates');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain('Xác nhận');
    expect(await ResponseTemplateModel.countDocuments({})).to.equal(1);
  });

  it('when the administrator saves a template without a title or with a placeholder not offered, then 422 with the values kept; a valid one is stored and audited', async () => {
    const admin = await as(w.admin.username);
    const bad = await admin.post('/reports/templates').type('form').send({ _csrf: await csrfFrom(admin, '/reports/templates/new'), title: '', textVi: 'Kính gửi {ho_ten}, phản ánh {ma_ho_so}.', criterionCode: 'X1', statuses: ['RECEIVED'] });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Chỉ dùng các chỗ điền sẵn').and.to.contain('Kính gửi {ho_ten}, phản ánh {ma_ho_so}.');
    expect(bad.text).to.match(/<option value="X1" selected>/);
    expect(bad.text).to.match(/value="RECEIVED" checked/);
    expect(await ResponseTemplateModel.countDocuments({})).to.equal(0);

    const ok = await admin.post('/reports/templates').type('form').send({ _csrf: await csrfFrom(admin, '/reports/templates/new'), title: 'Xác nhận tiếp nhận', textVi: 'Đã tiếp nhận phản ánh {ma_ho_so}.', criterionCode: 'X1', statuses: ['RECEIVED', 'UNDER_REVIEW'], active: 'on' });
    expect(ok.status).to.equal(302);
    const saved = (await ResponseTemplateModel.findOne({}).lean())!;
    expect(saved).to.include({ title: 'Xác nhận tiếp nhận', criterionCode: 'X1', active: true });
    expect(saved.statuses).to.deep.equal(['RECEIVED', 'UNDER_REVIEW']);
    expect(String(saved.provinceId)).to.equal(String(w.province._id));
    const audits = await AuditEntryModel.find({ objectType: 'responseTemplate', objectId: saved._id }).lean();
    expect(audits.map((a) => a.action)).to.deep.equal(['create']);
  });

  it('when two administrators edit the same template, then the later save from the older form gets 409 with its text kept, and nothing is overwritten', async () => {
    const t = await template(w, { title: 'Kết luận', textVi: 'Bản đầu.' });
    const first = await as(w.admin.username);
    const second = await as(w.admin.username);
    const firstForm = formFields((await first.get(`/reports/templates/${t._id}/edit`)).text, `/reports/templates/${t._id}`);
    const secondForm = formFields((await second.get(`/reports/templates/${t._id}/edit`)).text, `/reports/templates/${t._id}`);
    expect((await second.post(`/reports/templates/${t._id}`).type('form').send({ ...secondForm, textVi: 'Bản của người thứ hai.' })).status).to.equal(302);
    const stale = await first.post(`/reports/templates/${t._id}`).type('form').send({ ...firstForm, textVi: 'Bản của người thứ nhất.' });
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('vừa được người khác thay đổi').and.to.contain('Bản của người thứ nhất.');
    expect((await ResponseTemplateModel.findById(t._id).lean())!.textVi).to.equal('Bản của người thứ hai.');
    // The page shown again carries the latest version: saving it now goes through.
    const again = formFields(stale.text, `/reports/templates/${t._id}`);
    expect((await first.post(`/reports/templates/${t._id}`).type('form').send(again)).status).to.equal(302);
    expect((await ResponseTemplateModel.findById(t._id).lean())!.textVi).to.equal('Bản của người thứ nhất.');
    const actions = (await AuditEntryModel.find({ objectType: 'responseTemplate', objectId: t._id }).lean()).map((a) => a.action);
    expect(actions).to.deep.equal(['update', 'update']);
  });

  it('when the administrator deactivates a template, then it leaves the picker and the change is audited', async () => {
    const t = await template(w, { title: 'Tạm ngừng' });
    const { report } = await fileAbout(w, {});
    const admin = await as(w.admin.username);
    expect(pickerOptions((await admin.get(`/reports/${report._id}`)).text).map((o) => o.label)).to.deep.equal(['Tạm ngừng']);
    const list = await admin.get('/reports/templates');
    const res = await admin.post(`/reports/templates/${t._id}/deactivate`).type('form').send(formFields(list.text, `/reports/templates/${t._id}/deactivate`));
    expect(res.status).to.equal(302);
    expect((await ResponseTemplateModel.findById(t._id).lean())!.active).to.equal(false);
    expect((await admin.get(`/reports/${report._id}`)).text).not.to.contain('data-template-picker');
    expect((await AuditEntryModel.find({ objectType: 'responseTemplate', objectId: t._id }).lean()).map((a) => a.action)).to.deep.equal(['deactivate']);
  });

  it('when a handler opens a case, then the picker offers only the active templates of its criteria and of its current or next state, their placeholders filled', async () => {
    const { report } = await fileAbout(w, { criterionCodes: ['X1', 'K1'] });
    const fresh = (await IncidentReportModel.findById(report._id).lean())!;
    await template(w, { title: 'A chung', textVi: 'Phản ánh {ma_ho_so}, hạn {han_xu_ly}, nhận ngày {ngay_tiep_nhan}.', textEn: 'Report {ma_ho_so}.' });
    await template(w, { title: 'B xin chào, tiếp nhận', criterionCode: 'X1', statuses: ['RECEIVED'] });
    await template(w, { title: 'C đang xác minh', statuses: ['UNDER_REVIEW'] });
    await template(w, { title: 'D tiêu cực', criterionCode: 'K3' });
    await template(w, { title: 'E đã giải quyết', statuses: ['RESOLVED'] });
    await template(w, { title: 'F ngừng dùng', active: false });
    const head = await as(w.headA.username);
    const options = pickerOptions((await head.get(`/reports/${report._id}`)).text);
    expect(options.map((o) => o.label)).to.deep.equal(['A chung', 'A chung (tiếng Anh)', 'B xin chào, tiếp nhận', 'C đang xác minh']);
    expect(options[0]!.text).to.equal(`Phản ánh ${fresh.caseNumber}, hạn ${formatDate(fresh.dueAt)}, nhận ngày ${formatMomentDay(fresh.receivedAt)}.`);
    expect(formatDate(fresh.dueAt)).to.match(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(options[1]!.text).to.equal(`Report ${fresh.caseNumber}.`);
  });

  it('when a handler without scripts chooses a template (?template=), then the reply box holds its filled text to edit, and the reply sent is stored and audited with the template named', async () => {
    const { report } = await fileAbout(w, {});
    const t = await template(w, { title: 'Xác nhận', textVi: 'Đã tiếp nhận phản ánh số {ma_ho_so}.' });
    const head = await as(w.headA.username);
    const page = await head.get(`/reports/${report._id}?template=${t._id}`);
    expect(page.status).to.equal(200);
    const reply = formFields(page.text, `/reports/${report._id}/replies`);
    expect(reply.text).to.equal(`Đã tiếp nhận phản ánh số ${report.caseNumber}.`);
    expect(reply.template).to.equal(String(t._id));
    const edited = `${reply.text as string} Đơn vị sẽ trả lời trong thời hạn.`;
    expect((await head.post(`/reports/${report._id}/replies`).type('form').send({ ...reply, text: edited })).status).to.equal(302);
    const stored = (await IncidentReportModel.findById(report._id).lean())!;
    expect(stored.messages.map((m) => m.text)).to.deep.equal([edited]);
    const audit = (await AuditEntryModel.findOne({ objectId: report._id, action: 'reply' }).lean())!;
    expect(audit.changes.find((c) => c.field === 'template')?.after).to.equal('Xác nhận');
    // An unknown template leaves the box empty.
    expect(formFields((await head.get(`/reports/${report._id}?template=000000000000000000000000`)).text, `/reports/${report._id}/replies`).text).to.equal('');
  });
});
