import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { makeProvince, makeStaff, makeUnit, makeUser } from '../helpers/factories.js';
import { LateDossierModel } from '../../src/dossiers/model.js';
import { lateDossiersWithoutSlip, lateDossierSummary } from '../../src/dossiers/service.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { docxAt } from '../letters/docx.js';

describe('late dossiers and their apology slips', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  async function signedIn(role: 'head' | 'staff' | 'admin', unit = units.communeA): Promise<Agent> {
    const user = await makeUser({ roles: [{ role, unit }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    return agent;
  }

  const dossierFields = (over: Record<string, string> = {}) => ({
    unitId: String(units.deskA._id),
    dossierNumber: 'H12.34-250301-0007',
    procedureName: 'Đăng ký kết hôn',
    applicantName: 'Lò Thị Minh',
    receivedDate: '03/03/2025',
    dueDate: '06/03/2025',
    ...over,
  });

  async function recordDossier(agent: Agent, over: Record<string, string> = {}): Promise<string> {
    const res = await submitForm(agent, '/dossiers/new', '/dossiers', dossierFields(over));
    expect(res.status, res.text.slice(0, 500)).to.equal(302);
    return res.headers.location!.split('/').pop()!;
  }

  const slipFields = (over: Record<string, string> = {}) => ({
    reason: 'Hệ thống đăng ký hộ tịch điện tử gián đoạn.',
    newReturnDate: '10/03/2025',
    channel: 'SMS',
    salutation: 'Bà',
    signerName: 'Lò Văn Phích',
    signerTitle: 'Trưởng bộ phận',
    issuedDate: '05/03/2025',
    ...over,
  });

  it('when desk staff record a late dossier, then it is stored with the desk’s path and counts as an X2 breach until a slip is issued', async () => {
    const officer = await makeStaff({ fullName: 'Quàng Thị Hoa', unit: units.deskA });
    const agent = await signedIn('staff');
    const id = await recordDossier(agent, { handlingStaffId: String(officer._id) });
    const stored = await LateDossierModel.findById(id).lean();
    expect(stored!.unitPath.map(String)).to.deep.equal(units.deskA.path.map(String));
    expect(stored!.handlingStaffName).to.equal('Quàng Thị Hoa');
    expect(stored!.breachesApology).to.equal(1);
    expect(stored!.periodKey).to.equal('2025-03');
    expect(await lateDossiersWithoutSlip(units.communeA._id, 2025)).to.equal(1);

    const page = await agent.get(`/dossiers/${id}`);
    expect(page.text).to.contain('Chưa có phiếu xin lỗi (vi phạm X2)');
    const res = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields());
    expect(res.status).to.equal(302);
    const after = await LateDossierModel.findById(id).lean();
    expect(after!.breachesApology).to.equal(0);
    expect(after!.slip!.channel).to.equal('SMS');
    expect(after!.slip!.newReturnDate.toISOString()).to.equal('2025-03-10T00:00:00.000Z');
    expect(await lateDossiersWithoutSlip(units.communeA._id, 2025)).to.equal(0);
    const audits = await AuditEntryModel.find({ objectId: new Types.ObjectId(id) }).lean();
    expect(audits.map((a) => a.action).sort()).to.deep.equal(['create', 'issueSlip']);
  });

  it('when the new return date is not after the due date, then 422 with a Vietnamese message and no slip is stored', async () => {
    const agent = await signedIn('head');
    const id = await recordDossier(agent);
    const res = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields({ newReturnDate: '06/03/2025' }));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Ngày hẹn mới phải sau ngày hẹn trả kết quả cũ.');
    expect(res.text).to.contain('Hệ thống đăng ký hộ tịch điện tử gián đoạn.');
    expect((await LateDossierModel.findById(id).lean())!.slip).to.equal(null);
  });

  it('when the slip is dated before the dossier was received, in the future, or has an unknown channel, then 422 beside each field', async () => {
    const agent = await signedIn('head');
    const id = await recordDossier(agent);
    const early = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields({ issuedDate: '01/03/2025' }));
    expect(early.status).to.equal(422);
    expect(early.text).to.contain('Ngày lập phiếu không được trước ngày tiếp nhận hồ sơ.');
    const future = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields({ issuedDate: '01/01/2099', newReturnDate: '02/01/2099' }));
    expect(future.status).to.equal(422);
    expect(future.text).to.contain('Ngày lập phiếu không được sau ngày hôm nay.');
    const channel = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields({ channel: 'FAX', reason: '' }));
    expect(channel.status).to.equal(422);
    expect(channel.text).to.contain('Vui lòng chọn một giá trị trong danh sách.');
    expect(channel.text).to.contain('Vui lòng nhập trường này.');
    expect((await LateDossierModel.findById(id).lean())!.breachesApology).to.equal(1);
  });

  it('when a due date comes before the date received, then the dossier is refused with 422', async () => {
    const agent = await signedIn('head');
    const res = await submitForm(agent, '/dossiers/new', '/dossiers', dossierFields({ dueDate: '01/03/2025' }));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Ngày hẹn trả không được trước ngày tiếp nhận.');
    expect(res.text).to.contain('H12.34-250301-0007');
    expect(await LateDossierModel.countDocuments()).to.equal(0);
  });

  it('when the same dossier number is recorded twice at one desk, then the second is refused with 422 beside the number and counts no second breach; another desk may use it', async () => {
    const agent = await signedIn('head');
    await recordDossier(agent);
    const again = await submitForm(agent, '/dossiers/new', '/dossiers', dossierFields({ applicantName: 'Lò Thị Minh (lần 2)' }));
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('Hồ sơ có mã này đã được ghi nhận trễ hạn tại đơn vị này');
    expect(again.text).to.contain('Lò Thị Minh (lần 2)');
    expect(await LateDossierModel.countDocuments({ dossierNumber: 'H12.34-250301-0007' })).to.equal(1);
    const deskB = await makeUnit({ name: 'Bộ phận một cửa Mường Nhé', kind: 'desk', parent: units.communeB });
    const otherHead = await signedIn('head', units.communeB);
    await recordDossier(otherHead, { unitId: String(deskB._id) });
    expect(await LateDossierModel.countDocuments({ dossierNumber: 'H12.34-250301-0007' })).to.equal(2);
  });

  it('when the slip is dated on or after the due date, then the list and the dossier flag it as late; one issued before is not flagged', async () => {
    const agent = await signedIn('head');
    const onTime = await recordDossier(agent);
    const late = await recordDossier(agent, { dossierNumber: 'H12.34-250301-0008', dueDate: '04/03/2025' });
    expect((await submitForm(agent, `/dossiers/${onTime}`, `/dossiers/${onTime}/slip`, slipFields())).status).to.equal(302);
    expect((await submitForm(agent, `/dossiers/${late}`, `/dossiers/${late}/slip`, slipFields())).status).to.equal(302);
    const list = await agent.get('/dossiers');
    const rowOf = (number: string) => list.text.slice(list.text.indexOf(number), list.text.indexOf('</tr>', list.text.indexOf(number)));
    expect(rowOf('H12.34-250301-0008')).to.contain('Phiếu lập muộn');
    expect(rowOf('H12.34-250301-0007')).to.not.contain('Phiếu lập muộn');
    expect((await agent.get(`/dossiers/${late}`)).text).to.contain('data-slip-late');
    expect((await agent.get(`/dossiers/${onTime}`)).text).to.not.contain('data-slip-late');
  });

  const editFields = async (agent: Agent, id: string, over: Record<string, string> = {}) => {
    const form = await agent.get(`/dossiers/${id}/edit`);
    expect(form.status).to.equal(200);
    const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
    const { unitId: _unit, ...fields } = dossierFields();
    return { version, ...fields, ...over };
  };

  it('when a dossier is corrected, then the new values are stored, counted in the new due date’s year and audited; a number another dossier of the desk holds is refused with 422', async () => {
    const agent = await signedIn('staff');
    const id = await recordDossier(agent);
    await recordDossier(agent, { dossierNumber: 'H12.34-250301-0008' });
    const taken = await submitForm(agent, `/dossiers/${id}/edit`, `/dossiers/${id}/edit`, await editFields(agent, id, { dossierNumber: 'H12.34-250301-0008' }));
    expect(taken.status).to.equal(422);
    expect(taken.text).to.contain('Hồ sơ có mã này đã được ghi nhận trễ hạn tại đơn vị này');

    const res = await submitForm(agent, `/dossiers/${id}/edit`, `/dossiers/${id}/edit`, await editFields(agent, id, { applicantName: 'Lò Thị Mính', receivedDate: '29/12/2025', dueDate: '02/01/2026' }));
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    const stored = await LateDossierModel.findById(id).lean();
    expect(stored).to.include({ applicantName: 'Lò Thị Mính', year: 2026, periodKey: '2026-01' });
    expect(await lateDossiersWithoutSlip(units.communeA._id, 2025)).to.equal(1);
    expect(await lateDossiersWithoutSlip(units.communeA._id, 2026)).to.equal(1);
    const entry = await AuditEntryModel.findOne({ objectId: new Types.ObjectId(id), action: 'update' }).lean();
    expect(entry!.changes).to.deep.include({ field: 'dueDate', before: '06/03/2025', after: '02/01/2026' });
  });

  it('when two people correct the same dossier from the same version, then the second gets 409 with their values kept and the stored values shown, and the first is not overwritten', async () => {
    const agent = await signedIn('head');
    const id = await recordDossier(agent);
    const first = await editFields(agent, id, { procedureName: 'Đăng ký khai sinh' });
    const second = await editFields(agent, id, { procedureName: 'Chứng thực bản sao' });
    expect((await submitForm(agent, `/dossiers/${id}/edit`, `/dossiers/${id}/edit`, first)).status).to.equal(302);
    const late = await submitForm(agent, `/dossiers/${id}/edit`, `/dossiers/${id}/edit`, second);
    expect(late.status).to.equal(409);
    expect(late.text).to.contain('Hồ sơ vừa được người khác sửa');
    expect(late.text).to.contain('value="Chứng thực bản sao"');
    expect(late.text).to.match(/data-stored-values[\s\S]*Đăng ký khai sinh/);
    expect((await LateDossierModel.findById(id).lean())!.procedureName).to.equal('Đăng ký khai sinh');
  });

  it('when a dossier with a slip is corrected so that its due date falls on or after the slip’s new date, then 422 and nothing changes', async () => {
    const agent = await signedIn('head');
    const id = await recordDossier(agent);
    expect((await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields())).status).to.equal(302);
    const res = await submitForm(agent, `/dossiers/${id}/edit`, `/dossiers/${id}/edit`, await editFields(agent, id, { dueDate: '10/03/2025' }));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Ngày hẹn trả kết quả phải trước ngày hẹn trả mới đã ghi trên phiếu xin lỗi.');
    expect((await LateDossierModel.findById(id).lean())!.dueDate.toISOString()).to.equal('2025-03-06T00:00:00.000Z');
  });

  it('when a dossier recorded by mistake is withdrawn with a reason, then it leaves the register and the count, and the audit keeps it with the reason; without a reason 422; with a slip 409', async () => {
    const agent = await signedIn('staff');
    const id = await recordDossier(agent);
    const noReason = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/withdraw`, { withdrawReason: ' ' });
    expect(noReason.status).to.equal(422);
    expect(await LateDossierModel.countDocuments()).to.equal(1);
    const res = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/withdraw`, { withdrawReason: 'Hồ sơ trả đúng hạn, nhập nhầm.' });
    expect(res.status).to.equal(302);
    expect(await LateDossierModel.countDocuments()).to.equal(0);
    expect(await lateDossiersWithoutSlip(units.communeA._id, 2025)).to.equal(0);
    const entry = await AuditEntryModel.findOne({ objectId: new Types.ObjectId(id), action: 'withdraw' }).lean();
    expect(JSON.stringify(entry)).to.contain('Hồ sơ trả đúng hạn, nhập nhầm.').and.contain('H12.34-250301-0007');

    const withSlip = await recordDossier(agent);
    expect((await submitForm(agent, `/dossiers/${withSlip}`, `/dossiers/${withSlip}/slip`, slipFields())).status).to.equal(302);
    const refused = await submitForm(agent, '/dossiers/new', `/dossiers/${withSlip}/withdraw`, { withdrawReason: 'Nhầm.' });
    expect(refused.status).to.equal(409);
    expect(await LateDossierModel.countDocuments()).to.equal(1);
    const stranger = await signedIn('head', units.communeB);
    expect((await submitForm(stranger, '/dossiers/new', `/dossiers/${withSlip}/edit`, await editFields(agent, withSlip))).status).to.equal(403);
  });

  it('when a slip was already issued, then a second one is refused with 409 and the first is kept', async () => {
    const agent = await signedIn('head');
    const id = await recordDossier(agent);
    expect((await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields())).status).to.equal(302);
    // The page no longer shows the form, so post with a token from the list page.
    const again = await submitForm(agent, '/dossiers/new', `/dossiers/${id}/slip`, slipFields({ newReturnDate: '20/03/2025' }));
    expect(again.status).to.equal(409);
    expect((await LateDossierModel.findById(id).lean())!.slip!.newReturnDate.toISOString()).to.equal('2025-03-10T00:00:00.000Z');
  });

  it('when staff of another commune open, record or issue a slip for this desk, then 403; an unknown dossier is 404', async () => {
    const owner = await signedIn('head');
    const id = await recordDossier(owner);
    const stranger = await signedIn('head', units.communeB);
    expect((await stranger.get(`/dossiers/${id}`)).status).to.equal(403);
    expect((await stranger.get(`/dossiers/${id}/slip.docx`)).status).to.equal(403);
    expect((await submitForm(stranger, '/dossiers/new', '/dossiers', dossierFields({ dossierNumber: 'X-1' }))).status).to.equal(403);
    expect((await submitForm(stranger, '/dossiers/new', `/dossiers/${id}/slip`, slipFields())).status).to.equal(403);
    expect((await stranger.get(`/dossiers/${new Types.ObjectId()}`)).status).to.equal(404);
    expect(await LateDossierModel.countDocuments()).to.equal(1);
    const list = await stranger.get('/dossiers');
    expect(list.status).to.equal(200);
    expect(list.text).not.to.contain('H12.34-250301-0007');
  });

  it('when dossiers of several units and years are counted, then only late dossiers without a slip under the unit in that year are breaches', async () => {
    const head = await signedIn('head');
    const noSlip1 = await recordDossier(head, { dossierNumber: 'A-1' });
    await recordDossier(head, { dossierNumber: 'A-2' });
    const withSlip = await recordDossier(head, { dossierNumber: 'A-3' });
    await submitForm(head, `/dossiers/${withSlip}`, `/dossiers/${withSlip}/slip`, slipFields());
    await recordDossier(head, { dossierNumber: 'A-2024', receivedDate: '02/12/2024', dueDate: '20/12/2024' });
    const other = await signedIn('head', units.communeB);
    await recordDossier(other, { unitId: String(units.communeB._id), dossierNumber: 'B-1' });

    expect(await lateDossiersWithoutSlip(units.communeA._id, 2025)).to.equal(2);
    expect(await lateDossiersWithoutSlip(units.deskA._id, 2025)).to.equal(2);
    expect(await lateDossiersWithoutSlip(units.communeA._id, 2024)).to.equal(1);
    expect(await lateDossiersWithoutSlip(units.province._id, 2025)).to.equal(3);
    expect(await lateDossiersWithoutSlip([units.communeA._id, units.communeB._id], 2025)).to.equal(3);
    expect(await lateDossierSummary(units.communeA._id, 2025)).to.deep.equal({ late: 3, withoutSlip: 2 });

    const list = await head.get('/dossiers?year=2025&withoutSlip=1');
    expect(list.text).to.contain(`data-late="3"`).and.contain(`data-without-slip="2"`);
    expect(list.text).to.contain(`/dossiers/${noSlip1}`);
    expect(list.text).not.to.contain(`/dossiers/${withSlip}"`);
  });

  /** Thanh Nưa's one-stop centre, under the name the demo gives it (Decree 118/2025 capitalises "Phục vụ"). */
  const centreOfThanhNua = () => makeUnit({ name: 'Trung tâm phục vụ hành chính công xã Thanh Nưa', kind: 'desk', parent: units.communeA });

  it('when the centre issues a slip, then the form suggests its next number and offers its director’s titles, and the slip is the national form it signs', async () => {
    const centre = await centreOfThanhNua();
    const agent = await signedIn('head');
    const id = await recordDossier(agent, { unitId: String(centre._id) });
    expect((await agent.get(`/dossiers/${id}/slip`)).status).to.equal(404);
    const form = await agent.get(`/dossiers/${id}`);
    expect(form.text).to.contain('value="01/PXL-TTPVHCC"').and.contain('<option value="Giám đốc"').and.contain('<option value="Phó Giám đốc"').and.not.contain('<option value="Chủ tịch"');
    expect(form.text).to.contain('Trung tâm Phục vụ hành chính công xã Thanh Nưa');
    const issued = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields({ documentNumber: '01/PXL-TTPVHCC', signerTitle: 'Phó Giám đốc' }));
    expect(issued.status, issued.text.slice(0, 300)).to.equal(302);

    const page = await agent.get(`/dossiers/${id}/slip`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('/public/css/print.css').and.contain('class="letter-nation-col"');
    expect(page.text).to.contain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(page.text).to.contain('Thanh Nưa, ngày 05 tháng 3 năm 2025');

    const doc = await docxAt(agent, `/dossiers/${id}/slip.docx`);
    expect(doc.res.headers['content-disposition']).to.contain('phieu-xin-loi-H12-34-250301-0007.docx');
    expect(doc.lines).to.include.members([
      'ỦY BAN NHÂN DÂN',
      'XÃ THANH NƯA',
      'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG',
      'Số: 01/PXL-TTPVHCC',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Thanh Nưa, ngày 05 tháng 3 năm 2025',
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      'Kính gửi: Bà Lò Thị Minh',
      'Ngày 03/03/2025, Trung tâm Phục vụ hành chính công xã Thanh Nưa tiếp nhận giải quyết hồ sơ của Bà Lò Thị Minh, mã hồ sơ H12.34-250301-0007.',
      'Thời hạn giải quyết hồ sơ theo quy định: ngày 06/03/2025.',
      'Mong nhận được sự thông cảm của Bà./.',
      'KT. GIÁM ĐỐC',
      'PHÓ GIÁM ĐỐC',
      'Lò Văn Phích',
      '- Bà Lò Thị Minh (gửi qua tin nhắn SMS);',
    ]);
    // The centre issues it: no committee's collective signature, no "V/v", no unresolved salutation.
    expect(doc.text).not.to.contain('TM. ỦY BAN NHÂN DÂN').and.not.to.contain('V/v').and.not.to.contain('Ông/Bà').and.not.to.contain('"');
    expect(doc.text).to.contain('Lý do: Hệ thống đăng ký hộ tịch điện tử gián đoạn.');
    expect(doc.text).to.contain('vào ngày 10/03/2025');
    expect(doc.documentXml).to.contain('w:ascii="Times New Roman"');
  });

  it('when a slip is signed with a title that is not the issuing unit’s, or without a salutation, then 422 beside the field and no slip', async () => {
    const centre = await centreOfThanhNua();
    const agent = await signedIn('head');
    const id = await recordDossier(agent, { unitId: String(centre._id) });
    const chairman = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields({ signerTitle: 'Chủ tịch' }));
    expect(chairman.status).to.equal(422);
    expect(chairman.text).to.contain('Chọn chức vụ người ký trong danh sách');
    const noSalutation = await submitForm(agent, `/dossiers/${id}`, `/dossiers/${id}/slip`, slipFields({ signerTitle: 'Giám đốc', salutation: 'Ông/Bà' }));
    expect(noSalutation.status).to.equal(422);
    expect(noSalutation.text).to.contain('Vui lòng chọn Ông hoặc Bà.');
    expect((await LateDossierModel.findById(id).lean())!.slip).to.equal(null);
  });

  it('when a slip issued before these rules was signed by the chairman at the centre, with no salutation or number, then it prints as the People’s Committee’s, neutrally, with the number left to the clerk', async () => {
    const centre = await centreOfThanhNua();
    const agent = await signedIn('head');
    const id = await recordDossier(agent, { unitId: String(centre._id) });
    const slip = { documentNumber: '', reason: 'Mất điện', newReturnDate: new Date(Date.UTC(2025, 2, 10)), channel: 'PAPER', signerName: 'Lò Văn Phích', signerTitle: 'Chủ tịch', issuedDate: new Date(Date.UTC(2025, 2, 5)) };
    await LateDossierModel.updateOne({ _id: id }, { $set: { slip, breachesApology: 0 } });
    const doc = await docxAt(agent, `/dossiers/${id}/slip.docx`);
    expect(doc.lines).to.include.members(['ỦY BAN NHÂN DÂN', 'XÃ THANH NƯA', 'Kính gửi: Công dân Lò Thị Minh', 'TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', 'Mong nhận được sự thông cảm của công dân./.']);
    expect(doc.text).to.contain('Ủy ban nhân dân xã Thanh Nưa tiếp nhận giải quyết hồ sơ').and.not.to.contain('Ông/Bà');
    expect(doc.lines.find((l) => l.startsWith('Số:'))).to.match(/^Số:\s+\/PXL-UBND$/);
  });
});
