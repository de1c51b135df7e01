import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { allRated, evaluationOf, makeWorld, openPeriodVia } from './world.js';

describe('evaluations: pages in both languages', () => {
  beforeEach(clearDatabase);

  it('when each evaluation page is opened in Vietnamese and in English, then it renders with no untranslated key', async () => {
    const w = await makeWorld();
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id), deadline: '01/04/2026' });
    const ev = await evaluationOf(w.lan._id);
    await submitForm(admin, `/evaluations/${String(ev._id)}`, `/evaluations/${String(ev._id)}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD'), 'ratings[K2][level]': 'NOT_DONE', 'ratings[K2][reason]': 'Đùn đẩy hồ sơ' });
    const lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    const pages: [typeof admin, string][] = [
      [admin, '/evaluations'],
      [admin, '/evaluations/periods'],
      [admin, '/evaluations/periods/new'],
      [admin, `/evaluations/periods/${periodId}`],
      [admin, `/evaluations/periods/${periodId}/completion`],
      [admin, `/evaluations/${String(ev._id)}`],
      [admin, `/evaluations/classifications?unitId=${String(w.communeA._id)}&year=2026`],
      [admin, `/evaluations/classifications/${String(w.lan._id)}/2026`],
      [admin, `/evaluations/classifications/${String(w.lan._id)}/2025`],
      [lan, '/evaluations'],
      [lan, `/evaluations/${String(ev._id)}`],
      [lan, `/evaluations/${String((await evaluationOf(w.lan._id))._id)}`],
    ];
    for (const lang of ['vi', 'en']) {
      await admin.get(`/lang/${lang}?back=/`);
      await lan.get(`/lang/${lang}?back=/`);
      for (const [agent, path] of pages) {
        const res = await agent.get(path);
        expect(res.status, `${lang} ${path}`).to.equal(200);
        expect(res.text, `${lang} ${path}`).to.not.match(/evaluations\.[a-zA-Z]+\.[a-zA-Z]/);
      }
    }
    expect((await admin.get(`/evaluations/${String(ev._id)}`)).text).to.contain('Done well'); // still English here
  });

  it('when a staff member opens the periods pages or an unknown evaluation, then 403 and 404', async () => {
    const w = await makeWorld();
    const lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    expect((await lan.get('/evaluations/periods')).status).to.equal(403);
    expect((await lan.get('/evaluations/classifications')).status).to.equal(403);
    expect((await lan.get('/evaluations/0123456789abcdef01234567')).status).to.equal(404);
    expect((await lan.get('/evaluations/not-an-id')).status).to.equal(404);
  });
});
