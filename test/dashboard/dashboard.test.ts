import { expect } from 'chai';
import { agentFor, login, submitForm, testApp, testConfig, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUser } from '../helpers/factories.js';
import { evaluate, exportWorld, person, rate, report, type ExportWorld } from '../exports/world.js';
import { dashboard } from '../../src/dashboard/service.js';

const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();

describe('dashboard: a unit and its subtree over a year', () => {
  let app: ReturnType<typeof testApp>;
  let w: ExportWorld;
  let admin: Agent;
  let headB: Agent;
  let adminUser: Awaited<ReturnType<typeof makeUser>>;

  before(async function () {
    this.timeout(60_000);
    await clearDatabase();
    app = testApp();
    w = await exportWorld(year);
    // The seed's figures: 25 people, 17 of them under 40 (68%), all complying fully; 97 of 100 citizens satisfied.
    const people = [];
    for (let i = 0; i < 25; i++) people.push(await person(`Nguyễn Văn Người${String.fromCharCode(65 + i)}`, w.communeA, i < 17 ? year - 30 : year - 50));
    for (const p of people) await evaluate(w, p, 1);
    await evaluate(w, people[0]!, 2, {}, { finalised: false });
    await rate(w.deskA, 1, year, 60, 2);
    await rate(w.deskA, 2, year, 37, 1);
    // Two reports in Thanh Nưa (shown "<3"), none substantiated about anyone.
    await report(w, { criteria: ['X1'], status: 'RECEIVED', month: 3 });
    await report(w, { criteria: ['X1', 'L3'], status: 'NOT_SUBSTANTIATED', month: 3 });
    adminUser = await makeUser({ roles: [{ role: 'admin', unit: w.province }] });
    const headBUser = await makeUser({ roles: [{ role: 'head', unit: w.communeB }] });
    admin = agentFor(app);
    headB = agentFor(app);
    await login(admin, adminUser.username);
    await login(headB, headBUser.username);
  });

  it('when the administrator opens the province overview, then it reproduces the seed’s figures from the data', async () => {
    const res = await admin.get(`/dashboard?unit=${String(w.province._id)}&year=${year}`);
    expect(res.status).to.equal(200);
    const card = (name: string) => new RegExp(`data-figure="${name}"><div class="card-number">([^<]+)</div>`).exec(res.text)?.[1];
    expect(card('satisfied')).to.equal('97%');
    expect(card('fullyCompliant')).to.equal('100%');
    expect(card('under40')).to.equal('68%');
    expect(card('staff')).to.equal('25');
    expect(card('completion')).to.match(/^96,2%$/);
    expect(res.text).to.contain('97%</div>hài lòng');
  });

  it('when report counts are small, then they show as "<3" in the tables and as gaps in the chart data', async () => {
    const res = await admin.get(`/dashboard?unit=${String(w.province._id)}&year=${year}`);
    expect(/data-figure="reports"><div class="card-number">([^<]+)</.exec(res.text)?.[1]).to.equal('&lt;3');
    const json = JSON.parse(/<script type="application\/json" id="dashboard-data">([^<]*)<\/script>/.exec(res.text)![1]!);
    const march = json.incidents.series.map((s: { values: (number | null)[] }) => s.values[2]);
    expect(march.every((v: number | null) => v === null || v === 0)).to.equal(true);
    expect(res.text).to.match(/<th scope="row">T3<\/th>(<td class="num">[^<]*<\/td>)+<td class="num"><strong>&lt;3<\/strong>/);
  });

  it('when the heat-map is drawn, then each commune with results has a coloured cell per criterion with its rate', async () => {
    const res = await admin.get(`/dashboard?unit=${String(w.province._id)}&year=${year}`);
    expect(res.text).to.match(/<th scope="row">Xã Thanh Nưa<\/th>(<td class="heat-5">100%<\/td>){13}<\/tr>/);
  });

  it('when a head opens another commune’s dashboard, then 403', async () => {
    expect((await headB.get(`/dashboard?unit=${String(w.communeA._id)}`)).status).to.equal(403);
    expect((await headB.get('/dashboard')).status).to.equal(200);
  });

  it('when the charts library is asked for, then it comes from our own origin as JavaScript', async () => {
    const res = await admin.get('/dashboard/assets/chart.umd.min.js');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('javascript');
    const page = await admin.get('/dashboard');
    expect(page.text).to.contain('<script src="/dashboard/assets/chart.umd.min.js" defer></script>');
    expect(page.text).not.to.match(/<script>(?!<)/);
  });

  it('when the figures are computed, then the database counts agree with the workbook’s definitions', async () => {
    const d = await dashboard({ userId: adminUser._id, displayName: 'a', staffId: null, roles: [{ role: 'admin', unitId: w.province._id }] }, String(w.province._id), year, 3, testConfig());
    expect(d.overview.evaluations).to.equal(26);
    expect(d.overview.finalised).to.equal(25);
    expect(d.overview.criterionFulfilled).to.equal(25 * 13);
    expect(d.satisfaction[0]).to.include({ total: 62, satisfied: 60 });
    expect(d.criteria.find((c) => c.code === 'X1')!.reports).to.deep.equal({ below: 3 });
  });

  // Last: it adds a rating to the shared world.
  it('when the overview is shown again after a citizen rates at the kiosk, then it counts the new rating (what is laid out once is not kept past a change)', async () => {
    const actor = { userId: adminUser._id, displayName: 'a', staffId: null, roles: [{ role: 'admin' as const, unitId: w.province._id }] };
    const before = await dashboard(actor, String(w.province._id), year, 3, testConfig());
    expect(await dashboard(actor, String(w.province._id), year, 3, testConfig())).to.deep.equal(before);
    const kiosk = `/danh-gia/${encodeURIComponent(w.deskA.code)}`;
    expect((await submitForm(agentFor(app), kiosk, kiosk, { level: 'DISSATISFIED' })).status).to.equal(303);
    const after = await dashboard(actor, String(w.province._id), year, 3, testConfig());
    expect(after.overview.ratings).to.equal(before.overview.ratings + 1);
    expect(after.overview.satisfied).to.equal(before.overview.satisfied);
  });
});
