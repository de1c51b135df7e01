import { expect } from 'chai';
import { agentFor, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeCodeVersion, makeProvince, makeUser } from '../helpers/factories.js';

// The statistics read model is kept fresh by the services that write: a figure read after a write includes it.
describe('dashboard and home figures after writes through the app', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  let app: ReturnType<typeof testApp>;
  let admin: Agent;
  const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();

  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
    await makeCodeVersion(units.province);
    app = testApp();
    admin = agentFor(app);
    await login(admin, (await makeUser({ roles: [{ role: 'admin', unit: units.province }] })).username);
  });

  const card = async (name: string) => {
    const res = await admin.get(`/dashboard?unit=${String(units.province._id)}&year=${year}`);
    expect(res.status).to.equal(200);
    return new RegExp(`data-figure="${name}"><div class="card-number">([^<]+)</div>`).exec(res.text)?.[1];
  };

  it('when a citizen rates a desk at the kiosk after the dashboard was shown, then the next dashboard counts the rating', async () => {
    expect(await card('satisfied')).to.equal('—', 'no ratings yet');
    const kiosk = agentFor(app);
    const path = `/danh-gia/${encodeURIComponent(units.deskA.code)}`;
    expect((await submitForm(kiosk, path, path, { level: 'SATISFIED' })).status).to.equal(303);
    expect((await submitForm(kiosk, path, path, { level: 'DISSATISFIED' })).status).to.equal(303);
    expect(await card('satisfied')).to.equal('50%');
  });

  it('when a staff member is added after the home page was shown, then the next home page counts them', async () => {
    const staffCount = async () => /<div class="card-number">(\d+)<\/div><div><a href="\/staff">/.exec((await admin.get('/')).text)?.[1];
    const before = Number(await staffCount());
    const res = await submitForm(admin, '/staff/new', '/staff', {
      fullName: 'Lò Văn Mới', staffCode: 'CB-NEW-1', unitId: String(units.communeA._id), birthYear: '1990', gender: 'male',
      category: 'congChuc', educationLevel: 'university', politicalTheoryLevel: 'none', position: 'Công chức văn phòng', active: 'on',
    });
    expect(res.status, res.text.slice(0, 500)).to.be.oneOf([302, 303]);
    expect(Number(await staffCount())).to.equal(before + 1);
  });
});
