import { expect } from 'chai';
import { agentFor, csrfFrom, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff } from '../helpers/factories.js';
import { makeWorld, type World } from '../helpers/world.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { DisciplineDecisionModel } from '../../src/discipline/model.js';
import { decisionsAboutPerson } from '../../src/discipline/index.js';
import { ClassificationModel } from '../../src/evaluations/model.js';
import { fileAbout } from '../incidents/world.js';

/** A party reprimand (kỷ luật đảng) for a 2025 violation, as typed from the party organisation's decision. */
const PARTY_REPRIMAND_2025 = {
  system: 'PARTY',
  form: 'PARTY_REPRIMAND',
  decisionNumber: '15-QĐ/UBKTHU',
  decisionDate: '12/06/2025',
  issuer: 'Ủy ban Kiểm tra Huyện ủy Mường Chà',
  effectiveDate: '12/06/2025',
  violationYear: '2025',
  dutyRelated: 'on',
  caseNumber: '',
  note: '',
};

/** A warning for a 2026 duty-related violation, as typed from the paper decision. */
const WARNING_2026 = {
  form: 'WARNING',
  decisionNumber: '125/QĐ-UBND',
  decisionDate: '10/03/2026',
  issuer: 'Chủ tịch UBND xã Thanh Nưa',
  effectiveDate: '10/03/2026',
  violationYear: '2026',
  dutyRelated: 'on',
  caseNumber: '',
  note: 'Vi phạm quy tắc ứng xử tại bộ phận một cửa',
};

describe('discipline decisions and the yearly classification', function () {
  this.timeout(60_000);
  let w: World;
  let app: ReturnType<typeof testApp>;

  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    app = testApp();
  });

  async function agentOf(username: string): Promise<Agent> {
    const agent = agentFor(app);
    await login(agent, username);
    return agent;
  }

  const record = (agent: Agent, staffId: string, fields: Record<string, string>) => submitForm(agent, `/discipline/staff/${staffId}`, `/discipline/staff/${staffId}`, fields);

  it('when a 2026 warning is recorded for someone whose points come to 85, then the classification suggests "Không hoàn thành nhiệm vụ", shows the decision and the article as the reason, and refuses "Hoàn thành tốt" with 422', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    expect((await record(head, lan, WARNING_2026)).status).to.equal(302);

    const page = `/evaluations/classifications/${lan}/2026`;
    const refused = await submitForm(head, page, page, { version: '0', generalPoints: '25', taskPoints: '60', level: 'GOOD', differenceReason: 'Hoàn thành tốt nhiệm vụ chuyên môn' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('Người này bị kỷ luật trong năm: không được xếp cao hơn mức nêu trong lý do ở trên.');
    expect(refused.text).to.contain('Bị kỷ luật hành chính, hình thức cảnh cáo, theo Quyết định số 125/QĐ-UBND ngày 10/03/2026 của Chủ tịch UBND xã Thanh Nưa (hiệu lực từ 10/03/2026): theo điểm c khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP');
    expect(refused.text).to.contain('value="25"');
    expect(await ClassificationModel.countDocuments({ staffId: w.lan._id })).to.equal(0);

    const saved = await submitForm(head, page, page, { version: '0', generalPoints: '25', taskPoints: '60', level: 'NOT_COMPLETED', differenceReason: '' });
    expect(saved.status).to.equal(302);
    const decision = await DisciplineDecisionModel.findOne({ staffId: w.lan._id }).lean();
    const c = await ClassificationModel.findOne({ staffId: w.lan._id, year: 2026 }).lean();
    expect(c).to.deep.include({ level: 'NOT_COMPLETED', suggestedLevel: 'NOT_COMPLETED', disciplined: true, generalPoints: 25, taskPoints: 60 });
    expect(c!.suggestionBecause).to.deep.equal(['discipline']);
    expect(c!.disciplineDecisionIds.map(String)).to.deep.equal([String(decision!._id)]);
    const shown = await head.get(page);
    expect(shown.text).to.contain('Mức gợi ý: Không hoàn thành nhiệm vụ');
    expect(shown.text).not.to.contain('name="disciplined"');
  });

  it('when a 2024 reprimand is recorded, then the 2024 classification is capped under Decree 90/2020 as amended by 48/2023; a decision in 2025 for that violation does not count again once 2024 was rated "không hoàn thành"', async () => {
    const head = await agentOf(w.headA.username);
    const binh = String(w.binh._id);
    expect((await record(head, binh, { ...WARNING_2026, form: 'REPRIMAND', decisionNumber: '40/QĐ-UBND', decisionDate: '02/05/2024', effectiveDate: '02/05/2024', violationYear: '2024', dutyRelated: '' })).status).to.equal(302);
    const page2024 = `/evaluations/classifications/${binh}/2024`;
    const shown = await head.get(page2024);
    expect(shown.text).to.contain('Bị kỷ luật hành chính, hình thức khiển trách, theo Quyết định số 40/QĐ-UBND ngày 02/05/2024');
    expect(shown.text).to.contain('theo điểm c khoản 1 Điều 11 Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)');
    const above = await submitForm(head, page2024, page2024, { version: '0', level: 'COMPLETED', differenceReason: '' });
    expect(above.status).to.equal(422);
    expect(above.text).to.contain('Người này bị kỷ luật trong năm: không được xếp cao hơn mức nêu trong lý do ở trên.');
    expect(above.text, 'no reason is asked for a level no reason can allow').not.to.contain('Vui lòng nêu lý do khi quyết định khác với mức gợi ý.');
    expect((await submitForm(head, page2024, page2024, { version: '0', level: 'COMPLETED', differenceReason: 'Đã khắc phục' })).status).to.equal(422);
    expect((await submitForm(head, page2024, page2024, { version: '0', level: 'NOT_COMPLETED', differenceReason: '' })).status).to.equal(302);

    // A second decision, issued in 2025, for a violation committed in 2024 (already counted there).
    expect((await record(head, binh, { ...WARNING_2026, decisionNumber: '7/QĐ-UBND', decisionDate: '15/01/2025', effectiveDate: '15/01/2025', violationYear: '2024' })).status).to.equal(302);
    const page2025 = `/evaluations/classifications/${binh}/2025`;
    const later = await head.get(page2025);
    expect(later.text).to.contain('xử lý vi phạm của năm 2024, năm đó đã xếp loại');
    expect(later.text).to.contain('Mức gợi ý: Hoàn thành nhiệm vụ');
    expect((await submitForm(head, page2025, page2025, { version: '0', level: 'COMPLETED', differenceReason: '' })).status).to.equal(302);
    expect(await ClassificationModel.findOne({ staffId: w.binh._id, year: 2025 }).lean()).to.deep.include({ level: 'COMPLETED', disciplined: false });
  });

  it('when a head of another commune opens, records, edits or deletes a decision about someone outside their commune, then 403 and nothing changes', async () => {
    const own = await agentOf(w.headA.username);
    expect((await record(own, String(w.lan._id), WARNING_2026)).status).to.equal(302);
    const decision = (await DisciplineDecisionModel.findOne({ staffId: w.lan._id }).lean())!;

    const other = await agentOf(w.headB.username);
    const _csrf = await csrfFrom(other, '/discipline/staff/' + String(w.mai._id));
    expect((await other.get(`/discipline/staff/${String(w.lan._id)}`)).status).to.equal(403);
    expect((await other.post(`/discipline/staff/${String(w.lan._id)}`).type('form').send({ _csrf, ...WARNING_2026, decisionNumber: 'KHAC' })).status).to.equal(403);
    expect((await other.get(`/discipline/${String(decision._id)}/edit`)).status).to.equal(403);
    expect((await other.post(`/discipline/${String(decision._id)}`).type('form').send({ _csrf, ...WARNING_2026, version: '0', form: 'REPRIMAND' })).status).to.equal(403);
    expect((await other.post(`/discipline/${String(decision._id)}/delete`).type('form').send({ _csrf })).status).to.equal(403);
    const after = await DisciplineDecisionModel.find({}).lean();
    expect(after.map((d) => [d.decisionNumber, d.form])).to.deep.equal([['125/QĐ-UBND', 'WARNING']]);

    // The staff member themself (no head role) is kept out too.
    const lan = await agentOf(w.lanUser.username);
    expect((await lan.get(`/discipline/staff/${String(w.lan._id)}`)).status).to.equal(403);
  });

  it('when the decision is incomplete or inconsistent, then 422 with localised messages beside the fields and the typed values kept', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    const missing = await record(head, lan, { ...WARNING_2026, decisionNumber: '', effectiveDate: '31/02/2026', issuer: 'Chủ tịch UBND xã Thanh Nưa' });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('value="Chủ tịch UBND xã Thanh Nưa"');
    expect(missing.text).to.contain('value="31/02/2026"');
    expect(missing.text).to.match(/<div class="field has-error">\s*<label for="f-decisionNumber">/);
    expect(missing.text).to.match(/<div class="field has-error">\s*<label for="f-effectiveDate">/);

    const inconsistent = await record(head, lan, { ...WARNING_2026, effectiveDate: '01/03/2026', violationYear: '2027' });
    expect(inconsistent.status).to.equal(422);
    expect(inconsistent.text).to.contain('Ngày có hiệu lực không được trước ngày ký quyết định.');
    expect(inconsistent.text).to.contain('Năm vi phạm không được sau năm quyết định có hiệu lực.');
    expect(inconsistent.text).to.contain('value="125/QĐ-UBND"');

    // A viên chức cannot be given "hạ bậc lương"; a cán bộ can be "bãi nhiệm", a công chức cannot.
    const teacher = await makeStaff({ fullName: 'Lò Thị Hương', unit: w.communeA, category: 'vienChuc' });
    const wrongForm = await record(head, String(teacher._id), { ...WARNING_2026, form: 'SALARY_DOWNGRADE' });
    expect(wrongForm.status).to.equal(422);
    expect(wrongForm.text).to.contain('Hình thức này không áp dụng cho loại cán bộ, công chức, viên chức của người này.');
    expect((await record(head, lan, { ...WARNING_2026, form: 'REMOVAL_FROM_OFFICE' })).status).to.equal(422);

    const unknownCase = await record(head, lan, { ...WARNING_2026, caseNumber: 'PA-2026-KHONGCO' });
    expect(unknownCase.status).to.equal(422);
    expect(unknownCase.text).to.contain('Không có hồ sơ nào mang số này.');
    expect(await DisciplineDecisionModel.countDocuments({})).to.equal(0);
  });

  it('when a decision cites the case it came from, then the case must be about the person; each create, edit and delete is in the audit log', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    const { report: aboutLan } = await fileAbout({ ...w, nam: w.binh, namUser: w.lanUser }, { staffId: lan });
    const { report: aboutBinh } = await fileAbout({ ...w, nam: w.binh, namUser: w.lanUser }, { staffId: String(w.binh._id) });

    const wrong = await record(head, lan, { ...WARNING_2026, caseNumber: aboutBinh.caseNumber });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('Hồ sơ này không phải về người này.');
    expect((await record(head, lan, { ...WARNING_2026, caseNumber: aboutLan.caseNumber.toLowerCase() })).status).to.equal(302);
    const d = (await DisciplineDecisionModel.findOne({ staffId: w.lan._id }).lean())!;
    expect(d).to.deep.include({ caseNumber: aboutLan.caseNumber, effectiveYear: 2026, violationYear: 2026, dutyRelated: true });
    expect(String(d.caseId)).to.equal(String(aboutLan._id));

    const admin = await agentOf(w.admin.username);
    const edited = await submitForm(admin, `/discipline/${String(d._id)}/edit`, `/discipline/${String(d._id)}`, { ...WARNING_2026, version: '0', form: 'REPRIMAND', caseNumber: aboutLan.caseNumber });
    expect(edited.status).to.equal(302);
    const stale = await submitForm(admin, `/discipline/${String(d._id)}/edit`, `/discipline/${String(d._id)}`, { ...WARNING_2026, version: '0', form: 'WARNING' });
    expect(stale.status).to.equal(409);
    expect((await submitForm(admin, `/discipline/staff/${lan}`, `/discipline/${String(d._id)}/delete`, {})).status).to.equal(302);
    expect(await DisciplineDecisionModel.countDocuments({})).to.equal(0);

    const entries = await AuditEntryModel.find({ objectType: 'disciplineDecision', objectId: d._id }).sort({ at: 1 }).lean();
    expect(entries.map((e) => e.action)).to.deep.equal(['create', 'update', 'delete']);
    expect(entries[1]!.changes.filter((c) => c.field === 'form').map((c) => [c.before, c.after])).to.deep.equal([['WARNING', 'REPRIMAND']]);
  });

  it('when the discipline pages and a classification with a decision are opened in Vietnamese and in English, then they render with no untranslated key', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    expect((await record(head, lan, WARNING_2026)).status).to.equal(302);
    expect((await record(head, lan, { ...WARNING_2026, decisionNumber: '9/QĐ-UBND', dutyRelated: '' })).status).to.equal(302);
    const d = (await DisciplineDecisionModel.findOne({ decisionNumber: '125/QĐ-UBND' }).lean())!;
    for (const lang of ['vi', 'en']) {
      await head.get(`/lang/${lang}?back=/`);
      for (const path of [`/discipline/staff/${lan}`, `/discipline/${String(d._id)}/edit`, `/evaluations/classifications/${lan}/2026`, `/staff/${lan}`]) {
        const res = await head.get(path);
        expect(res.status, `${lang} ${path}`).to.equal(200);
        expect(res.text, `${lang} ${path}`).to.not.match(/(discipline|evaluations)\.[a-zA-Z]+\.?[a-zA-Z]*/);
      }
    }
    const english = await head.get(`/evaluations/classifications/${lan}/2026`);
    expect(english.text).to.contain('Disciplined (administrative discipline, warning) by decision no. 125/QĐ-UBND of 10/03/2026');
    expect(english.text).to.contain('is for a violation not related to public duties');
  });

  it('when a classification was decided with the old "disciplined" tick and no decision is recorded, then the page says so and asks for the decision, without capping the suggestion', async () => {
    const head = await agentOf(w.headA.username);
    await ClassificationModel.collection.insertOne({
      staffId: w.binh._id, staffName: w.binh.fullName, sortKey: w.binh.sortKey, unitId: w.communeA._id, unitPath: w.binh.unitPath, reportingUnitId: w.communeA._id,
      year: 2025, ruleSetId: '2020-2025', disciplined: true, generalPoints: null, taskPoints: null, suggestedLevel: 'NOT_COMPLETED', suggestionBecause: ['disciplined'],
      level: 'NOT_COMPLETED', differenceReason: '', decidedBy: w.headA._id, decidedByName: 'Lò Văn Phích', decidedAt: new Date(Date.UTC(2025, 11, 10)), visibleToStaff: true, version: 0,
    });
    const page = await head.get(`/evaluations/classifications/${String(w.binh._id)}/2025`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('thủ trưởng đã đánh dấu &#34;bị kỷ luật trong năm&#34; nhưng chưa có quyết định kỷ luật nào được ghi cho năm này');
    expect(page.text).to.contain('Mức gợi ý: Hoàn thành nhiệm vụ');
    expect((await record(head, String(w.binh._id), { ...WARNING_2026, decisionDate: '02/05/2025', effectiveDate: '02/05/2025', violationYear: '2025' })).status).to.equal(302);
    const after = await head.get(`/evaluations/classifications/${String(w.binh._id)}/2025`);
    expect(after.text).not.to.contain('nhưng chưa có quyết định kỷ luật nào được ghi');
    expect(after.text).to.contain('Mức gợi ý: Không hoàn thành nhiệm vụ');
  });

  it('when a decision is recorded after the year was classified above its cap, then the classification is marked to be decided again (page, list, audit as the system), the level kept; deciding again clears the mark', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    const page = `/evaluations/classifications/${lan}/2026`;
    expect((await submitForm(head, page, page, { version: '0', generalPoints: '25', taskPoints: '60', level: 'GOOD', differenceReason: '' })).status).to.equal(302);
    const list = `/evaluations/classifications?unitId=${w.communeA._id}&year=2026`;
    expect((await head.get(list)).text).not.to.contain('Cần xếp loại lại');

    expect((await record(head, lan, WARNING_2026)).status).to.equal(302);
    const marked = await ClassificationModel.findOne({ staffId: w.lan._id, year: 2026 }).lean();
    expect(marked!.level).to.equal('GOOD');
    expect(marked!.reviewNeeded).to.deep.include({ cap: 'NOT_COMPLETED', decisionNumbers: ['125/QĐ-UBND'] });
    expect((await head.get(page)).text).to.contain('Mức đã xếp loại (Hoàn thành tốt nhiệm vụ) cao hơn mức tối đa quyết định kỷ luật cho phép (Không hoàn thành nhiệm vụ)');
    expect((await head.get(list)).text).to.contain('Cần xếp loại lại');
    const entry = await AuditEntryModel.findOne({ objectId: marked!._id, action: 'reviewNeeded' }).lean();
    expect(entry).to.not.equal(null);
    expect(entry!.actorId ?? null).to.equal(null);

    const version = String(marked!.version);
    expect((await submitForm(head, page, page, { version, generalPoints: '25', taskPoints: '60', level: 'NOT_COMPLETED', differenceReason: '' })).status).to.equal(302);
    expect((await ClassificationModel.findOne({ staffId: w.lan._id, year: 2026 }).lean())!.reviewNeeded ?? null).to.equal(null);
    expect((await head.get(list)).text).not.to.contain('Cần xếp loại lại');
  });

  it('when the decision that marked a classification is deleted, then the mark goes and the audit says so', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    const page = `/evaluations/classifications/${lan}/2026`;
    expect((await submitForm(head, page, page, { version: '0', generalPoints: '25', taskPoints: '60', level: 'GOOD', differenceReason: '' })).status).to.equal(302);
    expect((await record(head, lan, WARNING_2026)).status).to.equal(302);
    const decision = (await DisciplineDecisionModel.findOne({ staffId: w.lan._id }).lean())!;
    const res = await submitForm(head, `/discipline/staff/${lan}`, `/discipline/${String(decision._id)}/delete`, {});
    expect(res.status).to.equal(302);
    const c = (await ClassificationModel.findOne({ staffId: w.lan._id, year: 2026 }).lean())!;
    expect(c.reviewNeeded ?? null).to.equal(null);
    expect(await AuditEntryModel.countDocuments({ objectId: c._id, action: 'reviewCleared' })).to.equal(1);
  });
  it('when a party reprimand is recorded, then it is stored and listed as party discipline, audited with its system, in the person\'s data file, and caps 2025 at "Không hoàn thành nhiệm vụ" naming party discipline as the reason', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    expect((await record(head, lan, PARTY_REPRIMAND_2025)).status).to.equal(302);
    const d = (await DisciplineDecisionModel.findOne({ staffId: w.lan._id }).lean())!;
    expect(d).to.deep.include({ system: 'PARTY', form: 'PARTY_REPRIMAND', issuer: 'Ủy ban Kiểm tra Huyện ủy Mường Chà', effectiveYear: 2025 });

    const list = await head.get(`/discipline/staff/${lan}`);
    expect(list.text).to.match(/<td>Kỷ luật đảng<\/td>\s*<td>Khiển trách/);

    const created = (await AuditEntryModel.findOne({ objectType: 'disciplineDecision', objectId: d._id, action: 'create' }).lean())!;
    expect(created.changes.filter((c) => c.field === 'system' || c.field === 'form').map((c) => [c.field, c.after])).to.deep.equal([['system', 'PARTY'], ['form', 'PARTY_REPRIMAND']]);
    const log = await (await agentOf(w.admin.username)).get('/audit?objectType=disciplineDecision');
    expect(log.text).to.contain('Loại kỷ luật');
    expect(log.text).to.contain('Kỷ luật đảng');
    expect(log.text).to.contain('Khiển trách (kỷ luật đảng)');

    expect((await decisionsAboutPerson(w.lan._id)).map((x) => [x.system, x.form, x.decisionNumber])).to.deep.equal([['PARTY', 'PARTY_REPRIMAND', '15-QĐ/UBKTHU']]);

    const page = `/evaluations/classifications/${lan}/2025`;
    const shown = await head.get(page);
    expect(shown.text).to.contain('Mức gợi ý: Không hoàn thành nhiệm vụ');
    expect(shown.text).to.contain('Bị kỷ luật đảng trong năm (xem các quyết định dưới đây)');
    expect(shown.text).to.contain('Bị kỷ luật đảng, hình thức khiển trách, theo Quyết định số 15-QĐ/UBKTHU ngày 12/06/2025 của Ủy ban Kiểm tra Huyện ủy Mường Chà');
    expect(shown.text).not.to.contain('Bị kỷ luật hành chính');
    expect((await submitForm(head, page, page, { version: '0', level: 'COMPLETED', differenceReason: 'Hoàn thành nhiệm vụ chuyên môn' })).status).to.equal(422);
    expect((await submitForm(head, page, page, { version: '0', level: 'NOT_COMPLETED', differenceReason: '' })).status).to.equal(302);
    const c = (await ClassificationModel.findOne({ staffId: w.lan._id, year: 2025 }).lean())!;
    expect(c).to.deep.include({ level: 'NOT_COMPLETED', disciplined: true });
    expect(c.suggestionBecause).to.deep.equal(['partyDiscipline']);
  });

  it('when a 2026 party decision is not marked duty-related, then the classification is not capped; marked duty-related, it is', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    const party2026 = { ...PARTY_REPRIMAND_2025, decisionDate: '12/06/2026', effectiveDate: '12/06/2026', violationYear: '2026' };
    expect((await record(head, lan, { ...party2026, dutyRelated: '' })).status).to.equal(302);
    const page = `/evaluations/classifications/${lan}/2026`;
    const offDuty = await head.get(page);
    expect(offDuty.text).to.contain('(kỷ luật đảng, khiển trách) xử lý vi phạm không liên quan đến hoạt động công vụ');
    expect((await submitForm(head, page, page, { version: '0', generalPoints: '25', taskPoints: '60', level: 'GOOD', differenceReason: '' })).status).to.equal(302);

    expect((await record(head, lan, { ...party2026, decisionNumber: '16-QĐ/UBKTHU' })).status).to.equal(302);
    const marked = (await ClassificationModel.findOne({ staffId: w.lan._id, year: 2026 }).lean())!;
    expect(marked.reviewNeeded).to.deep.include({ cap: 'NOT_COMPLETED', decisionNumbers: ['16-QĐ/UBKTHU'] });
    expect((await head.get(page)).text).to.contain('Bị kỷ luật đảng trong năm');
  });

  it('when a party form is sent under the administrative system (or the other way round), then 422 beside the form with the typed values kept, and nothing is stored', async () => {
    const head = await agentOf(w.headA.username);
    const lan = String(w.lan._id);
    const partyFormAsAdministrative = await record(head, lan, { ...WARNING_2026, system: 'ADMINISTRATIVE', form: 'PARTY_EXPULSION' });
    expect(partyFormAsAdministrative.status).to.equal(422);
    expect(partyFormAsAdministrative.text).to.match(/<div class="field has-error">\s*<label for="f-form">/);
    expect(partyFormAsAdministrative.text).to.contain('Hình thức này không thuộc loại kỷ luật đã chọn.');
    expect(partyFormAsAdministrative.text).to.match(/<option value="PARTY_EXPULSION" selected>/);
    expect(partyFormAsAdministrative.text).to.match(/<option value="ADMINISTRATIVE" selected>/);
    expect(partyFormAsAdministrative.text).to.contain('value="Chủ tịch UBND xã Thanh Nưa"');

    const administrativeAsParty = await record(head, lan, { ...PARTY_REPRIMAND_2025, form: 'WARNING' });
    expect(administrativeAsParty.status).to.equal(422);
    expect(administrativeAsParty.text).to.contain('Hình thức này không thuộc loại kỷ luật đã chọn.');
    expect(administrativeAsParty.text).to.match(/<option value="PARTY" selected>/);
    expect(await DisciplineDecisionModel.countDocuments({})).to.equal(0);
  });

  it('when a decision stored before party discipline has no system, then it is read as administrative everywhere', async () => {
    await DisciplineDecisionModel.collection.insertOne({
      staffId: w.lan._id, staffName: w.lan.fullName, unitPath: w.lan.unitPath, form: 'WARNING', decisionNumber: '3/QĐ-UBND', decisionDate: new Date(Date.UTC(2025, 2, 1)),
      issuer: 'Chủ tịch UBND xã', effectiveDate: new Date(Date.UTC(2025, 2, 1)), effectiveYear: 2025, violationYear: 2025, dutyRelated: true, caseId: null, caseNumber: '', note: '', recordedBy: w.headA._id, version: 0,
    });
    expect((await decisionsAboutPerson(w.lan._id)).map((x) => x.system)).to.deep.equal(['ADMINISTRATIVE']);
    const head = await agentOf(w.headA.username);
    expect((await head.get(`/discipline/staff/${String(w.lan._id)}`)).text).to.match(/<td>Kỷ luật hành chính<\/td>\s*<td>Cảnh cáo/);
    expect((await head.get(`/evaluations/classifications/${String(w.lan._id)}/2025`)).text).to.contain('Bị kỷ luật hành chính trong năm');
  });
});
