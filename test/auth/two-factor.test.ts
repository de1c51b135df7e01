import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { makeProvince, makeUser, DEFAULT_PASSWORD } from '../helpers/factories.js';
import { logSink } from '../helpers/log-sink.js';
import { UserModel } from '../../src/auth/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { ConfigError, loadConfig } from '../../src/config.js';

/** A code of the authenticator app for this secret, `stepsAhead` steps of 30 s from now. */
function codeFor(secret: string, stepsAhead = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

/** Enrols the signed-in agent from its account page; returns the secret shown there and the recovery codes. */
async function enrol(agent: Agent): Promise<{ secret: string; recoveryCodes: string[] }> {
  const page = await agent.get('/account/two-factor');
  expect(page.status).to.equal(200);
  expect(page.text).to.match(/<img src="data:image\/png;base64,/);
  const secret = /data-secret>([A-Z2-7 ]+)</.exec(page.text)![1]!.replace(/ /g, '');
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const done = await agent.post('/account/two-factor').type('form').send({ _csrf, code: codeFor(secret) });
  expect(done.status).to.equal(200);
  const recoveryCodes = [...done.text.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
  return { secret, recoveryCodes };
}

async function passwordStep(agent: Agent, username: string) {
  const _csrf = await csrfFrom(agent, '/login');
  return agent.post('/login').type('form').send({ _csrf, username, password: DEFAULT_PASSWORD });
}

async function codeStep(agent: Agent, code: string) {
  const _csrf = await csrfFrom(agent, '/login/code');
  return agent.post('/login/code').type('form').send({ _csrf, code });
}

async function logout(agent: Agent) {
  const _csrf = await csrfFrom(agent, '/');
  await agent.post('/logout').type('form').send({ _csrf });
}

describe('two-factor login', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  it('when a head enrols, logs out and logs in again, then the password alone does not sign in and a code from the app does', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    const { secret, recoveryCodes } = await enrol(agent);
    expect(recoveryCodes).to.have.length(10);
    const stored = (await UserModel.findById(head._id).lean())!;
    expect(stored.totpSecret).to.be.a('string').and.not.contain(secret);
    expect(stored.recoveryCodes).to.have.length(10);
    expect(JSON.stringify(stored.recoveryCodes)).not.to.contain(recoveryCodes[0]!.replace('-', ''));
    await logout(agent);

    const first = await passwordStep(agent, head.username);
    expect(first.status).to.equal(302);
    expect(first.headers.location).to.equal('/login/code');
    expect((await agent.get('/')).headers.location).to.equal('/login');
    // The enrolment's own step is used up: the next step's code signs in.
    const second = await codeStep(agent, codeFor(secret, 1));
    expect(second.status).to.equal(302);
    expect(second.headers.location).to.equal('/');
    expect((await agent.get('/')).status).to.equal(200);
  });

  it('when the code is wrong, then 401 with a localised message and the session stays signed out', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    const { secret } = await enrol(agent);
    await logout(agent);
    await passwordStep(agent, head.username);
    const wrong = await codeStep(agent, codeFor(secret, -20));
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.contain('Mã không đúng, đã hết hạn hoặc đã được dùng.');
    expect((await agent.get('/staff')).headers.location).to.equal('/login');
    await agent.get('/lang/en');
    const wrongEn = await codeStep(agent, codeFor(secret, -21));
    expect(wrongEn.status).to.equal(401);
    expect(wrongEn.text).to.contain('The code is wrong, expired or already used.');
  });

  it('when a code that already signed in is entered again, then it is refused as a replay', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    const { secret } = await enrol(agent);
    await logout(agent);
    const code = codeFor(secret, 1);
    await passwordStep(agent, head.username);
    expect((await codeStep(agent, code)).status).to.equal(302);
    await logout(agent);

    const other = agentFor(testApp());
    await passwordStep(other, head.username);
    const replay = await codeStep(other, code);
    expect(replay.status).to.equal(401);
    expect((await other.get('/')).headers.location).to.equal('/login');
  });

  it('when a recovery code is used, then it signs in once, is audited without the code, and is refused the second time', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    const { recoveryCodes } = await enrol(agent);
    await logout(agent);
    const code = recoveryCodes[3]!;
    await passwordStep(agent, head.username);
    const used = await codeStep(agent, code.toUpperCase());
    expect(used.status).to.equal(302);
    expect((await agent.get('/')).status).to.equal(200);
    expect((await UserModel.findById(head._id).lean())!.recoveryCodes).to.have.length(9);
    await logout(agent);

    await passwordStep(agent, head.username);
    expect((await codeStep(agent, code)).status).to.equal(401);
    const entries = await AuditEntryModel.find({ objectId: head._id }).lean();
    expect(entries.map((e) => e.action)).to.include.members(['enableTwoFactor', 'recoveryCodeUsed']);
    expect(JSON.stringify(entries)).not.to.contain(code.replace('-', '')).and.not.to.contain(code);
  });

  it('when the password step is done but not the code, then no page opens, and a user deactivated meanwhile cannot finish', async () => {
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    const { secret } = await enrol(agent);
    await logout(agent);
    await passwordStep(agent, admin.username);
    for (const path of ['/', '/staff', '/users', '/audit', '/account/two-factor', '/account/password']) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(302);
      expect(res.headers.location, path).to.equal('/login');
    }
    // A form posted with the pending session's token is refused as well (not signed in).
    const _csrf = await csrfFrom(agent, '/login/code');
    const post = await agent.post('/account/two-factor/disable').type('form').send({ _csrf, code: codeFor(secret, 1) });
    expect(post.status).to.equal(302);
    expect(post.headers.location).to.equal('/login');
    expect((await UserModel.findById(admin._id).lean())!.totpEnabledAt).to.not.equal(null);

    await UserModel.updateOne({ _id: admin._id }, { $set: { active: false } });
    const late = await codeStep(agent, codeFor(secret, 1));
    expect(late.status).to.equal(401);
    expect((await agent.get('/')).headers.location).to.equal('/login');
  });

  it('when two-factor login is required, then a head without it is sent to enrolment from every page until enrolled, and staff are not', async () => {
    const app = testApp({ TWO_FACTOR_REQUIRED: 'true' });
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const staff = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(app);
    await login(agent, head.username);
    for (const path of ['/', '/staff', '/evaluations', '/account/password']) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(302);
      expect(res.headers.location, path).to.equal('/account/two-factor');
    }
    const page = await agent.get('/account/two-factor');
    expect(page.text).to.contain('Quản trị viên và trưởng đơn vị phải bật đăng nhập hai bước');
    await enrol(agent);
    expect((await agent.get('/')).status).to.equal(200);

    const staffAgent = agentFor(app);
    await login(staffAgent, staff.username);
    expect((await staffAgent.get('/')).status).to.equal(200);
  });

  it('when a user turns two-factor login off, then a wrong code is refused and a valid one turns it off', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    const { secret } = await enrol(agent);
    let _csrf = await csrfFrom(agent, '/account/two-factor');
    const wrong = await agent.post('/account/two-factor/disable').type('form').send({ _csrf, code: codeFor(secret, -20) });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('Mã không đúng');
    expect((await UserModel.findById(head._id).lean())!.totpEnabledAt).to.not.equal(null);
    _csrf = await csrfFrom(agent, '/account/two-factor');
    const right = await agent.post('/account/two-factor/disable').type('form').send({ _csrf, code: codeFor(secret, 1) });
    expect(right.status).to.equal(302);
    const after = (await UserModel.findById(head._id).lean())!;
    expect(after.totpEnabledAt).to.equal(null);
    expect(after.totpSecret).to.equal(null);
    expect(after.recoveryCodes).to.have.length(0);
    expect((await AuditEntryModel.find({ objectId: head._id, action: 'disableTwoFactor' }).lean())).to.have.length(1);
  });

  it('when an administrator resets a head\'s two-factor login, then the head signs in with the password alone, the reset is audited without secrets, and a head cannot reset anyone', async () => {
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const headAgent = agentFor(testApp());
    await login(headAgent, head.username);
    const { secret } = await enrol(headAgent);
    const stored = (await UserModel.findById(head._id).lean())!.totpSecret!;

    const forbidden = await headAgent.post(`/users/${head._id}/two-factor/reset`).type('form').send({ _csrf: await csrfFrom(headAgent, '/account/two-factor') });
    expect(forbidden.status).to.equal(403);

    const adminAgent = agentFor(testApp());
    await login(adminAgent, admin.username);
    const mark = logSink.mark();
    const _csrf = await csrfFrom(adminAgent, `/users/${head._id}/edit`);
    const reset = await adminAgent.post(`/users/${head._id}/two-factor/reset`).type('form').send({ _csrf });
    expect(reset.status).to.equal(302);
    const entries = await AuditEntryModel.find({ objectId: head._id, action: 'resetTwoFactor' }).lean();
    expect(entries).to.have.length(1);
    expect(JSON.stringify(entries)).not.to.contain(secret).and.not.to.contain(stored);
    expect(logSink.since(mark)).not.to.contain(secret).and.not.to.contain(stored);

    const again = agentFor(testApp());
    const res = await passwordStep(again, head.username);
    expect(res.headers.location).to.equal('/');
    expect((await again.get('/')).status).to.equal(200);
  });

  it('when wrong codes keep coming, then the account locks like after wrong passwords', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp({ LOGIN_MAX_ATTEMPTS: '3' }));
    await login(agent, head.username);
    const { secret } = await enrol(agent);
    await logout(agent);
    await passwordStep(agent, head.username);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await codeStep(agent, codeFor(secret, -20 - i))).status);
    expect(statuses).to.deep.equal([401, 401, 423]);
    expect((await agent.get('/login/code')).headers.location).to.equal('/login');
  });

  it('when the configuration is for production, then TWO_FACTOR_KEY is required and two-factor login is required by default', () => {
    const prod = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_BASE_URL: 'https://congboc.example.vn', IDENTITY_KEY: 'i'.repeat(40) };
    expect(() => loadConfig(prod)).to.throw(ConfigError, /TWO_FACTOR_KEY is required in production/);
    expect(loadConfig({ ...prod, TWO_FACTOR_KEY: 'k'.repeat(40) }).twoFactorRequired).to.equal(true);
    expect(loadConfig({ ...prod, TWO_FACTOR_KEY: 'k'.repeat(40), TWO_FACTOR_REQUIRED: 'false' }).twoFactorRequired).to.equal(false);
    expect(loadConfig({ NODE_ENV: 'test' }).twoFactorRequired).to.equal(false);
  });
});
