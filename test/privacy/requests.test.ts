import { expect } from 'chai';
import { AuditEntryModel } from '../../src/audit/model.js';
import { DataRequestModel } from '../../src/privacy/model.js';
import { vietnamMoment } from '../../src/shared/dates.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUser } from '../helpers/factories.js';
import { makeWorld, type World } from '../incidents/world.js';

/**
 * The register of data-subject requests (access, correction, deletion, restriction): received when, answer due a number
 * of hours later set per kind (72 by default), handled by whom; the province administrator's, audited without the requester.
 */

const REQUESTER = 'Lê Thị Yêucầu';
const CONTACT = '0977111222';

describe('the register of data-subject requests', function () {
  this.timeout(120_000);
  let w: World;
  let admin: Agent;

  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    admin = agentFor(testApp());
    await login(admin, w.admin.username);
  });

  const post = async (agent: Agent, action: string, fields: Record<string, string>) => {
    const _csrf = await csrfFrom(agent, '/');
    return agent.post(action).type('form').send({ _csrf, ...fields });
  };
  const record = (fields: Partial<Record<string, string>> = {}) =>
    post(admin, '/privacy/requests', { kind: 'DELETION', requesterName: REQUESTER, contact: CONTACT, details: 'Xoá số điện thoại của tôi.', receivedOn: '02/03/2026', receivedTime: '09:15', ...fields } as Record<string, string>);

  it('when the administrator records a deletion request received on 2 March 2026 at 09:15, then the register shows it due 72 hours later, on 5 March at 09:15', async () => {
    const res = await record();
    expect([res.status, res.headers.location]).to.deep.equal([302, '/privacy/requests']);
    const stored = (await DataRequestModel.findOne({}).lean())!;
    expect([stored.kind, stored.status, stored.receivedAt, stored.dueAt]).to.deep.equal(['DELETION', 'RECEIVED', vietnamMoment(2026, 3, 2, 9, 15), vietnamMoment(2026, 3, 5, 9, 15)]);
    const page = (await admin.get('/privacy/requests')).text;
    expect(page).to.contain(REQUESTER).and.to.contain('Xoá dữ liệu').and.to.contain('05/03/2026 09:15').and.to.contain('Quá hạn');
  });

  it('when the administrator sets 360 hours (15 days) for access requests, then an access request received after is due 15 days later, a deletion request still 72 hours later, and the register lists each kind’s deadline', async () => {
    const settingsPage = '/privacy';
    const saved = await post(admin, settingsPage, { reportMonths: '60', ratingCommentMonths: '12', exportHours: '24', requestMonths: '36', accessHours: '360', correctionHours: '72', deletionHours: '72', restrictionHours: '72', contact: '' });
    expect(saved.status).to.equal(302);
    await record({ kind: 'ACCESS' });
    await record({ kind: 'DELETION' });
    const due = async (kind: 'ACCESS' | 'DELETION') => (await DataRequestModel.findOne({ kind }).lean())!.dueAt;
    expect(await due('ACCESS')).to.deep.equal(vietnamMoment(2026, 3, 17, 9, 15));
    expect(await due('DELETION')).to.deep.equal(vietnamMoment(2026, 3, 5, 9, 15));
    const page = (await admin.get('/privacy/requests')).text;
    expect(page).to.contain('Xem, nhận bản sao dữ liệu: 360 giờ').and.to.contain('Xoá dữ liệu: 72 giờ');
  });

  it('when the request is marked done with an answer, then the register shows who handled it and it cannot be handled again', async () => {
    await record({ receivedOn: new Date().toISOString().slice(0, 10), receivedTime: '00:00' });
    const id = String((await DataRequestModel.findOne({}).lean())!._id);
    const done = await post(admin, `/privacy/requests/${id}`, { status: 'DONE', answer: 'Đã xoá số điện thoại.' });
    expect(done.status).to.equal(302);
    const stored = (await DataRequestModel.findById(id).lean())!;
    expect([stored.status, stored.handledByName, stored.answer]).to.deep.equal(['DONE', w.admin.displayName, 'Đã xoá số điện thoại.']);
    const page = (await admin.get('/privacy/requests')).text;
    expect(page).to.contain('Đã thực hiện').and.not.to.contain('Quá hạn');
    expect((await post(admin, `/privacy/requests/${id}`, { status: 'REFUSED', answer: 'Lại.' })).status).to.equal(409);
  });

  it('when the form is incomplete or wrong, then 422 with the messages beside the fields and the values kept, and nothing recorded', async () => {
    const res = await record({ kind: 'EVERYTHING', requesterName: '', receivedOn: '31/02/2026', receivedTime: '25:00' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Nhập giờ dạng hh:mm, ví dụ 08:30.').and.to.contain(CONTACT);
    expect(await DataRequestModel.countDocuments({})).to.equal(0);
    const id = String((await DataRequestModel.create({ kind: 'ACCESS', requesterName: REQUESTER, receivedAt: new Date(), dueAt: new Date() }))._id);
    expect((await post(admin, `/privacy/requests/${id}`, { status: 'MAYBE', answer: '' })).status).to.equal(422);
  });

  it('when requests are recorded and handled, then the audit log has the kind, dates and status but not who asked, their contact or their words', async () => {
    await record();
    const id = String((await DataRequestModel.findOne({}).lean())!._id);
    await post(admin, `/privacy/requests/${id}`, { status: 'REFUSED', answer: 'Dữ liệu cần giữ theo Luật Tố cáo.' });
    const entries = await AuditEntryModel.find({ objectType: 'dataRequest' }).lean();
    expect(entries.map((e) => e.action)).to.have.members(['create', 'update']);
    const text = JSON.stringify(entries);
    for (const secret of [REQUESTER, CONTACT, 'Xoá số điện thoại của tôi.', 'Dữ liệu cần giữ theo Luật Tố cáo.']) expect(text).not.to.contain(secret);
    expect(text).to.contain('DELETION').and.to.contain('REFUSED');
  });

  it('when a head or a commune administrator opens or writes to the register, then 403', async () => {
    const communeAdmin = await makeUser({ roles: [{ role: 'admin', unit: w.communeA }] });
    const id = String((await DataRequestModel.create({ kind: 'ACCESS', requesterName: REQUESTER, receivedAt: new Date(), dueAt: new Date() }))._id);
    for (const username of [w.headA.username, communeAdmin.username]) {
      const agent = agentFor(testApp());
      await login(agent, username);
      expect((await agent.get('/privacy/requests')).status, username).to.equal(403);
      expect((await post(agent, '/privacy/requests', { kind: 'ACCESS', requesterName: 'X', receivedOn: '01/03/2026', receivedTime: '08:00' })).status, username).to.equal(403);
      expect((await post(agent, `/privacy/requests/${id}`, { status: 'DONE', answer: 'x' })).status, username).to.equal(403);
    }
    expect(await DataRequestModel.countDocuments({})).to.equal(1);
  });
});
