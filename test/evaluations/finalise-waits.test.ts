import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { allRated, evaluationOf, openPeriodVia } from './world.js';
import { makeWorld, type World } from '../incidents/world.js';
import { RetaliationFlagModel } from '../../src/incidents/model.js';
import { createAccount, updateAccount } from '../../src/auth/index.js';

describe('evaluations: the person keeps their say until the deadline', () => {
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    admin = await as(w.admin.username);
  });

  async function as(username: string) {
    const agent = agentFor(testApp());
    await login(agent, username);
    return agent;
  }

  it('when a head finalises before the person has self-assessed and the deadline is still to come, then 409 naming the deadline; a draft is saved, the person keeps the self-assessment form, and after they send it the head finalises', async () => {
    await openPeriodVia(admin, { unitId: String(w.province._id), year: '2026', number: '4', deadline: '15/01/2099' });
    const head = await as(w.headA.username);
    const path = `/evaluations/${String((await evaluationOf(w.lan._id))._id)}`;

    const page = await head.get(path);
    expect(page.text).to.contain('data-finalise-waits');
    expect(page.text).not.to.contain('value="finalise"');
    const refused = await submitForm(head, path, `${path}/evaluate`, { version: '0', action: 'finalise', ...allRated('DONE') });
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('15/01/2099');
    expect((await submitForm(head, path, `${path}/evaluate`, { version: '0', action: 'save', ...allRated('DONE') })).status).to.equal(302);

    const lan = await as(w.lanUser.username);
    expect((await lan.get(path)).text).to.contain(`action="${path}/self"`);
    expect((await submitForm(lan, path, `${path}/self`, { version: '1', action: 'submit', ...allRated('GOOD') })).status).to.equal(302);
    expect((await submitForm(head, path, `${path}/evaluate`, { version: '2', action: 'finalise', ...allRated('DONE') })).status).to.equal(302);
  });

  it('when the person has no login, then the head finalises before the deadline (nobody else can fill the form)', async () => {
    await openPeriodVia(admin, { unitId: String(w.province._id), year: '2026', number: '4', deadline: '15/01/2099' });
    const head = await as(w.headA.username);
    const path = `/evaluations/${String((await evaluationOf(w.binh._id))._id)}`;
    expect((await head.get(path)).text).to.contain('value="finalise"');
    expect((await submitForm(head, path, `${path}/evaluate`, { version: '0', action: 'finalise', ...allRated('DONE') })).status).to.equal(302);
  });

  it('when the person is given a login after the head opened the form, then finalising waits at once; when the login is deactivated, it no longer waits', async () => {
    await openPeriodVia(admin, { unitId: String(w.province._id), year: '2026', number: '4', deadline: '15/01/2099' });
    const head = await as(w.headA.username);
    const path = `/evaluations/${String((await evaluationOf(w.binh._id))._id)}`;
    expect((await head.get(path)).text).to.contain('value="finalise"');
    const account = await createAccount({ username: 'binh', displayName: 'Bình', email: 'binh@example.vn', password: 'CongBoc@2026', roles: [{ role: 'staff', unitId: w.communeA._id }], staffId: w.binh._id });
    expect((await submitForm(head, path, `${path}/evaluate`, { version: '0', action: 'finalise', ...allRated('DONE') })).status).to.equal(409);
    await updateAccount(account._id, { displayName: 'Bình', email: 'binh@example.vn', active: false, roles: account.roles });
    expect((await submitForm(head, path, `${path}/evaluate`, { version: '0', action: 'finalise', ...allRated('DONE') })).status).to.equal(302);
  });

  it('when the deadline has passed and the person never self-assessed, then the head finalises, and a rating below "Thực hiện" by a head they denounced raises the retaliation warning', async () => {
    const nam = await as(w.namUser.username);
    const _csrf = await csrfFrom(nam, `/reports/new?unit=${w.communeA._id}`);
    const filed = await nam
      .post('/reports')
      .type('form')
      .send({ _csrf, kind: 'TO_CAO', unitId: String(w.communeA._id), staffId: String(w.chairA._id), criterionCodes: ['K5'], occurredOn: '2026-02-10', description: 'Chủ tịch xã gây khó khăn.', address: 'Bản Na Sang', phone: '0912345678' });
    expect(filed.status).to.equal(302);
    await openPeriodVia(admin, { unitId: String(w.province._id), year: '2026', number: '1', deadline: '15/04/2026' });
    const head = await as(w.headA.username);
    const path = `/evaluations/${String((await evaluationOf(w.nam._id))._id)}`;

    const lowered = { ...allRated('DONE'), 'ratings[K1][level]': 'NOT_DONE', 'ratings[K1][reason]': 'Chậm trả hồ sơ' };
    expect((await submitForm(head, path, `${path}/evaluate`, { version: '0', action: 'finalise', ...lowered })).status).to.equal(302);
    const flags = await RetaliationFlagModel.find({}).lean();
    expect(flags.map((f) => String(f.staffId))).to.deep.equal([String(w.nam._id)]);
  });
});
