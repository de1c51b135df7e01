import { expect } from 'chai';
import { AuditEntryModel } from '../../src/audit/model.js';
import { addNote, addRemedy, submitExplanation, transition } from '../../src/incidents/handling.js';
import { DataRequestModel } from '../../src/privacy/model.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { allRated, evaluationOf, openPeriodVia } from '../evaluations/world.js';
import { submitForm } from '../helpers/app.js';
import { asActor, fileAbout, makeWorld, settings, type World } from '../incidents/world.js';

/**
 * A staff member's right of access (Law 91/2025/QH15): one JSON file with what the app keeps about them,
 * downloaded from their account page or produced by the province administrator for an access request — with their
 * evaluation and the cases about them as they may see them, never who reported or the handlers' internal notes.
 */

const NAME = 'Hoàng Thị Phảnánh';
const PHONE = '0913555777';
const EMAIL = 'phananh@example.vn';
const DESCRIPTION = 'Chị cán bộ quầy số 3 bắt tôi chờ cả buổi sáng.';
const NOTE = 'Ghi chú nội bộ: đã gọi điện cho người phản ánh xác minh.';
const OWN_COMMENT = 'Tôi luôn giữ thái độ niềm nở với người dân.';
const EXPLANATION = 'Hôm đó quầy đông, tôi đã xin lỗi.';

describe('a staff member downloads everything kept about them (right of access)', function () {
  this.timeout(240_000);
  let w: World;
  let lan: Agent;
  let caseNumber: string;

  before(async () => {
    await clearDatabase();
    w = await makeWorld();
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    await openPeriodVia(admin, { unitId: String(w.province._id) });
    lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    const evPath = `/evaluations/${String((await evaluationOf(w.lan._id))._id)}`;
    expect((await submitForm(lan, evPath, `${evPath}/self`, { version: '0', action: 'submit', overallComment: OWN_COMMENT, ...allRated('GOOD') })).status).to.equal(302);

    // A named citizen's report and a colleague's denunciation about Lan; the first is looked into and found substantiated.
    const head = await asActor(w.headA._id);
    const { report } = await fileAbout(w, { staffId: String(w.lan._id), description: DESCRIPTION }, { reporter: { source: 'CITIZEN', anonymous: false, name: NAME, phone: PHONE, email: EMAIL } });
    await fileAbout(w, { staffId: String(w.lan._id), description: DESCRIPTION }, { reporter: { source: 'PEER', actor: await asActor(w.namUser._id), kind: 'TO_CAO', anonymous: false, phone: PHONE, address: 'Bản Noong Bua' } });
    caseNumber = report.caseNumber;
    const id = String(report._id);
    await transition(head, id, { to: 'UNDER_REVIEW', note: 'Yêu cầu giải trình' }, settings);
    await addNote(head, id, NOTE);
    await submitExplanation(await asActor(w.lanUser._id), id, EXPLANATION);
    await transition(head, id, { to: 'SUBSTANTIATED', note: 'Có cơ sở: đã xác minh với người phản ánh.' }, settings);
    await addRemedy(head, id, { kind: 'APOLOGY', note: 'Xin lỗi chị Phảnánh' });
  });

  const assertNothingOfReporters = (text: string) => {
    for (const secret of [NAME, 'Phảnánh', PHONE, EMAIL, DESCRIPTION, NOTE, 'Bản Noong Bua', w.namUser.displayName, 'đã xác minh với người phản ánh', 'CITIZEN', 'PEER', 'TO_CAO', 'passwordHash', 'totpSecret', 'recoveryCodes', '$argon2']) {
      expect(text, secret).not.to.contain(secret);
    }
  };

  it('when Lan downloads her data from her account page, then the file holds her evaluation and the case about her as she may see it, and nothing of who reported or the internal notes; the download is audited without its content', async () => {
    expect((await lan.get('/account/password')).text).to.contain('href="/account/my-data"');
    const res = await lan.get('/account/my-data');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="?du-lieu-ca-nhan-\d{4}-\d{2}-\d{2}\.json"?$/);
    const text = res.text;
    const file = JSON.parse(text);
    expect(file.person.fullName).to.equal('Quàng Thị Lan');
    expect(file.accounts.map((a: { username: string }) => a.username)).to.deep.equal([w.lanUser.username]);
    expect(file.evaluations).to.have.length(1);
    expect(file.evaluations[0].selfAssessment.overallComment).to.equal(OWN_COMMENT);
    const about = file.casesAboutYou.find((c: { caseNumber: string }) => c.caseNumber === caseNumber);
    expect(about.explanation.text).to.equal(EXPLANATION);
    expect(about.conclusion.finding).to.equal('SUBSTANTIATED');
    expect(about.conclusion.remedies.map((r: { kind: string }) => r.kind)).to.deep.equal(['APOLOGY']);
    expect(about.criterionCodes).to.deep.equal(['X1', 'K1']);
    expect(file.auditEntriesAsActor.some((e: { action: string }) => e.action === 'explanation')).to.equal(true);
    assertNothingOfReporters(text);

    const entry = await AuditEntryModel.findOne({ action: 'subjectAccessExport', objectId: w.lan._id }).lean();
    expect(entry!.actorName).to.equal(w.lanUser.displayName);
    const logged = JSON.stringify(entry);
    for (const content of [OWN_COMMENT, EXPLANATION, caseNumber]) expect(logged).not.to.contain(content);
  });

  it('when an account linked to no staff record asks for the file, then 403', async () => {
    const headB = agentFor(testApp());
    await login(headB, w.headB.username);
    expect((await headB.get('/account/my-data')).status).to.equal(403);
    expect((await headB.get('/account/password')).text).not.to.contain('/account/my-data');
  });

  it('when the province administrator handles an access request for Lan, then the same file is produced for her; an unknown code gives 422 beside the field, and another kind of request 409', async () => {
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const post = async (action: string, fields: Record<string, string>) => {
      const _csrf = await csrfFrom(admin, '/privacy/requests');
      return admin.post(action).type('form').send({ _csrf, ...fields });
    };
    await post('/privacy/requests', { kind: 'ACCESS', requesterName: 'Quàng Thị Lan', contact: '', details: 'Xin bản sao dữ liệu.', receivedOn: '02/03/2026', receivedTime: '09:00' });
    await post('/privacy/requests', { kind: 'DELETION', requesterName: 'Quàng Thị Lan', contact: '', details: '', receivedOn: '02/03/2026', receivedTime: '09:00' });
    const access = (await DataRequestModel.findOne({ kind: 'ACCESS' }).lean())!;
    const deletion = (await DataRequestModel.findOne({ kind: 'DELETION' }).lean())!;
    expect((await admin.get('/privacy/requests')).text).to.contain(`action="/privacy/requests/${access._id}/subject-data"`).and.not.to.contain(`action="/privacy/requests/${deletion._id}/subject-data"`);

    const res = await post(`/privacy/requests/${access._id}/subject-data`, { forRequest: String(access._id), staff: String(w.lan._id) });
    expect(res.status).to.equal(200);
    expect(res.headers['content-disposition']).to.match(/^attachment;/);
    const file = JSON.parse(res.text);
    expect(file.evaluations[0].selfAssessment.overallComment).to.equal(OWN_COMMENT);
    expect(file.casesAboutYou.map((c: { caseNumber: string }) => c.caseNumber)).to.include(caseNumber);
    assertNothingOfReporters(res.text);
    const entry = await AuditEntryModel.findOne({ action: 'subjectAccessExport', actorId: w.admin._id }).lean();
    expect(entry!.changes.map((c) => [c.field, c.after])).to.deep.include(['requestId', String(access._id)]);

    const unknown = await post(`/privacy/requests/${access._id}/subject-data`, { forRequest: String(access._id), staff: 'KHONG-CO-MA' });
    expect(unknown.status).to.equal(422);
    expect(unknown.text).to.contain('Không tìm thấy cán bộ có mã này.').and.to.contain('value="KHONG-CO-MA"');
    expect((await post(`/privacy/requests/${deletion._id}/subject-data`, { staff: String(w.lan._id) })).status).to.equal(409);
  });
});
