import { expect } from 'chai';
import mongoose from 'mongoose';
import { ConfigError, loadConfig } from '../../src/config.js';
import { sealStoredIdentities } from '../../src/incidents/counters.js';
import { checkIdentityKey } from '../../src/incidents/identity-key-check.js';
import { DEVELOPMENT_IDENTITY_KEY } from '../../src/shared/sealing.js';
import { useIdentityKey } from '../../src/incidents/identity-sealing.js';
import { IncidentReportModel, ReporterIdentityModel } from '../../src/incidents/model.js';
import { agentFor, csrfFrom, login, testApp, testConfig } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { vietnamDay } from '../../src/shared/dates.js';
import { makeWorld, type World } from './world.js';

const NAME = 'Hoàng Văn Tỵ';
const PHONE = '0912345678';
const EMAIL = 'ty@example.vn';
const rawIdentities = () => mongoose.connection.db!.collection('reporteridentities').find({}).toArray();

describe('reporter identities encrypted at rest (IDENTITY_KEY)', function () {
  this.timeout(60_000);
  let w: World;
  let app: ReturnType<typeof testApp>;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    app = testApp();
  });
  afterEach(() => useIdentityKey(testConfig().identityKey));

  async function fileNamed() {
    const agent = agentFor(app);
    const _csrf = await csrfFrom(agent, `/phan-anh?unit=${w.communeA._id}`);
    const res = await agent
      .post('/phan-anh')
      .type('form')
      .send({ _csrf, unitId: String(w.communeA._id), staffId: String(w.lan._id), criterionCodes: ['X1'], occurredOn: vietnamDay().toISOString().slice(0, 10), description: 'Chị cán bộ không chào.', identity: 'named', name: NAME, phone: PHONE, email: EMAIL });
    expect(res.status).to.equal(302);
    return (await IncidentReportModel.findOne({}).lean())!;
  }

  it('when a citizen leaves a name, phone and e-mail, then the stored document holds none of them in clear, and the province administrator still reads them', async () => {
    const report = await fileNamed();
    const [raw] = await rawIdentities();
    const text = JSON.stringify(raw);
    for (const plain of [NAME, PHONE, EMAIL, 'Hoang']) expect(text).not.to.contain(plain);
    expect(String(raw!.name)).to.match(/^v1\./);
    const admin = agentFor(app);
    await login(admin, w.admin.username);
    const page = await admin.get(`/reports/${report._id}/reporter`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(NAME).and.to.contain(PHONE).and.to.contain(EMAIL);
  });

  it('when identities were stored in clear by an earlier version, then the start-up fix seals them once and readers still get the values', async () => {
    const report = await fileNamed();
    await mongoose.connection.db!.collection('reporteridentities').updateOne({ reportId: report._id }, { $set: { name: NAME, phone: PHONE, email: EMAIL } });
    expect(await sealStoredIdentities()).to.equal(1);
    const [raw] = await rawIdentities();
    expect(JSON.stringify(raw)).not.to.contain(NAME);
    expect(await sealStoredIdentities()).to.equal('done before');
    const read = (await ReporterIdentityModel.findOne({ reportId: report._id }).lean())!;
    expect([read.name, read.phone, read.email]).to.deep.equal([NAME, PHONE, EMAIL]);
  });

  it('when the database is read with another key, then the identity reads as empty, never as the stored ciphertext', async () => {
    const report = await fileNamed();
    useIdentityKey('another-key-that-is-long-enough-0123456789');
    const read = (await ReporterIdentityModel.findOne({ reportId: report._id }).lean())!;
    expect([read.name, read.phone, read.email]).to.deep.equal(['', '', '']);
  });

  it('when the app starts with another IDENTITY_KEY than the stored identities were sealed with, then the start is refused with one line naming neither the key nor the reporter', async () => {
    const rightKey = 'the-right-identity-key-0123456789-abcdef';
    const wrongKey = 'a-wrong-identity-key-0123456789-zyxwvu';
    useIdentityKey(rightKey);
    await fileNamed();
    expect(await checkIdentityKey()).to.deep.equal({ sealed: 3 });
    useIdentityKey(wrongKey);
    let failure: unknown;
    await checkIdentityKey().catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(ConfigError);
    const message = (failure as Error).message;
    expect(message).to.equal('Invalid configuration: IDENTITY_KEY does not open 3 of 3 sealed reporter identity values stored in this database; start with the key they were sealed with');
    for (const secret of [rightKey, wrongKey, NAME, PHONE, EMAIL]) expect(message).not.to.contain(secret);
    expect(message).not.to.contain('\n');
  });

  it('when IDENTITY_KEY is not set but the stored identities were sealed with one, then the start is refused and says to set it', async () => {
    useIdentityKey('the-right-identity-key-0123456789-abcdef');
    await fileNamed();
    useIdentityKey(DEVELOPMENT_IDENTITY_KEY);
    let failure: unknown;
    await checkIdentityKey().catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(ConfigError);
    expect((failure as Error).message).to.match(/^Invalid configuration: IDENTITY_KEY is not set, but 3 of 3 sealed reporter identity values stored in this database were sealed with a key; set IDENTITY_KEY to that key$/);
  });

  it('when no identity is sealed yet, then the start-up check passes whatever the key', async () => {
    useIdentityKey('any-identity-key-0123456789-abcdefghij');
    expect(await checkIdentityKey()).to.deep.equal({ sealed: 0 });
  });

  it('when the configuration is for production, then IDENTITY_KEY is required', () => {
    const prod = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_BASE_URL: 'https://congboc.example.vn', TWO_FACTOR_KEY: 'k'.repeat(40) };
    expect(() => loadConfig(prod)).to.throw(ConfigError, /IDENTITY_KEY is required in production/);
    expect(loadConfig({ ...prod, IDENTITY_KEY: 'i'.repeat(40) }).identityKey).to.equal('i'.repeat(40));
  });
});
