import { expect } from 'chai';
import { AuditEntryModel } from '../../src/audit/model.js';
import { PeriodModel } from '../../src/evaluations/model.js';
import { openPeriodVia } from '../evaluations/world.js';
import { StaffModel } from '../../src/staff/model.js';
import { UnitModel } from '../../src/units/model.js';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { CodeVersionModel } from '../../src/conduct-code/model.js';
import { LateDossierModel } from '../../src/dossiers/model.js';
import { clearDatabase } from '../helpers/db.js';
import { tenAtOnce } from '../helpers/forms.js';
import { makeWorld, type World } from '../helpers/world.js';

/**
 * The same record saved from ten forms at once, all loaded before any was sent (the same version): exactly one save
 * is stored and the other nine are told of the conflict — on the embedded FerretDB too, whose updates read and then
 * write (cases and evaluations are tested with their features).
 */
describe('ten saves of one record at once', function () {
  this.timeout(120_000);
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when ten administrators save one unit, then one name is stored with one new version, and nine get 409', async () => {
    const before = (await UnitModel.findById(w.communeA._id).lean())!;
    const answers = await tenAtOnce(w.admin.username, `/units/${w.communeA._id}/edit`, `/units/${w.communeA._id}`, (i) => ({ name: `Xã Thanh Nưa ${i}` }));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const after = (await UnitModel.findById(w.communeA._id).lean())!;
    expect(after.version).to.equal(before.version + 1);
    expect(after.name).to.equal(`Xã Thanh Nưa ${answers.findIndex((a) => a.status === 302)}`);
  });

  it('when ten administrators close one open period, then one closes it, nine get 409, and the log holds one closing', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id) });
    const page = `/evaluations/periods/${periodId}`;
    const answers = await tenAtOnce(w.admin.username, page, `${page}/close`, () => ({}));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const period = (await PeriodModel.findById(periodId).lean())!;
    expect(period.status).to.equal('CLOSED');
    expect(await AuditEntryModel.countDocuments({ objectType: 'period', objectId: period._id, action: 'close' })).to.equal(1);
  });

  it('when ten administrators publish a new version of the code from the same form, then one is published, nine get 409, and the log holds one publishing', async () => {
    const answers = await tenAtOnce(w.admin.username, '/code/versions/new', '/code/versions', (i) => ({ title: `Bộ quy tắc 2027 — bản ${i}`, effectiveFrom: '01/01/2027' }));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const versions = await CodeVersionModel.find({ provinceId: w.province._id }).sort({ versionNumber: 1 }).lean();
    expect(versions.map((v) => [v.versionNumber, v.title])).to.deep.equal([
      [1, w.code.title],
      [2, `Bộ quy tắc 2027 — bản ${answers.findIndex((a) => a.status === 302)}`],
    ]);
    expect(answers.find((a) => a.status === 409)!.text).to.contain('Một phiên bản khác đã được công bố sau khi bạn mở trang này');
    expect(await AuditEntryModel.countDocuments({ objectType: 'codeVersion', action: 'publish' })).to.equal(1);
  });

  it('when ten heads issue the apology slip of one late dossier at once, then one slip is stored, nine get 409, and the log holds one issuing', async () => {
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    const recorded = await submitForm(head, '/dossiers/new', '/dossiers', { unitId: String(w.deskA._id), dossierNumber: 'H12.34-250301-0007', procedureName: 'Đăng ký kết hôn', applicantName: 'Lò Thị Minh', receivedDate: '03/03/2025', dueDate: '06/03/2025' });
    expect(recorded.status).to.equal(302);
    const id = recorded.headers.location!.split('/').pop()!;
    const answers = await tenAtOnce(w.headA.username, `/dossiers/${id}`, `/dossiers/${id}/slip`, (i) => ({ reason: `Lý do ${i}`, newReturnDate: '10/03/2025', channel: 'SMS', salutation: 'Bà', signerName: 'Lò Văn Phích', signerTitle: 'Trưởng bộ phận', issuedDate: '05/03/2025' }));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const dossier = (await LateDossierModel.findById(id).lean())!;
    expect(dossier.slip!.reason).to.equal(`Lý do ${answers.findIndex((a) => a.status === 302)}`);
    expect(dossier.breachesApology).to.equal(0);
    expect(await AuditEntryModel.countDocuments({ objectType: 'lateDossier', objectId: dossier._id, action: 'issueSlip' })).to.equal(1);
  });

  it('when ten heads record the same late dossier at once, then one is stored and nine are told it is already recorded', async () => {
    const fields = { unitId: String(w.deskA._id), dossierNumber: 'H12.34-250301-0009', procedureName: 'Chứng thực bản sao', applicantName: 'Lò Thị Minh', receivedDate: '03/03/2025', dueDate: '06/03/2025' };
    const answers = await tenAtOnce(w.headA.username, '/dossiers/new', '/dossiers', () => fields);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 422, 422, 422, 422, 422, 422, 422, 422, 422]);
    expect(await LateDossierModel.countDocuments({ dossierNumber: 'H12.34-250301-0009' })).to.equal(1);
  });

  it('when ten heads save one staff record, then one position is stored with one new version, and nine get 409', async () => {
    const before = (await StaffModel.findById(w.lan._id).lean())!;
    const answers = await tenAtOnce(w.headA.username, `/staff/${w.lan._id}/edit`, `/staff/${w.lan._id}`, (i) => ({ position: `Công chức một cửa ${i}` }));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([302, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const after = (await StaffModel.findById(w.lan._id).lean())!;
    expect(after.version).to.equal(before.version + 1);
    expect(after.position).to.equal(`Công chức một cửa ${answers.findIndex((a) => a.status === 302)}`);
  });
});
