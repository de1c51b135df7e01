import { expect } from 'chai';
import mongoose from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp } from '../helpers/app.js';
import { makeProvince, makeUser, DEFAULT_PASSWORD } from '../helpers/factories.js';
import { UserModel } from '../../src/auth/model.js';
import { sweepExpiredSessions, SESSION_COLLECTION } from '../../src/auth/sessions.js';

describe('login and sessions', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  it('when a user logs in with the right password, then the session is stored in the database and pages open', async () => {
    const user = await makeUser({ username: 'truongxa', displayName: 'Lò Văn Phích', roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain('Lò Văn Phích');
    const sessions = await mongoose.connection.db!.collection(SESSION_COLLECTION).find({}).toArray();
    expect(sessions.some((s) => JSON.stringify(s.session).includes(String(user._id)))).to.equal(true);
  });

  it('when nobody is logged in, then a protected page redirects to the login form', async () => {
    const res = await agentFor(testApp()).get('/staff');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/login');
  });

  it('when the password is wrong, then 401 with a Vietnamese message and the user stays out', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(testApp());
    const _csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf, username: user.username, password: 'sai-mat-khau' });
    expect(res.status).to.equal(401);
    expect(res.text).to.contain('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect((await agent.get('/')).status).to.equal(302);
  });

  it('when twelve wrong passwords arrive at once, then only four are checked as wrong, the rest find the account locked, and so does the right one', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(testApp({ LOGIN_MAX_ATTEMPTS: '5', LOGIN_LOCK_MINUTES: '15', LOGIN_RATE_LIMIT_PER_15_MIN: '1000' }));
    const _csrf = await csrfFrom(agent, '/login');
    const statuses = await Promise.all(Array.from({ length: 12 }, () => agent.post('/login').type('form').send({ _csrf, username: user.username, password: 'wrong' }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).to.have.length(4);
    expect(statuses.filter((s) => s === 423)).to.have.length(8);
    const right = await agent.post('/login').type('form').send({ _csrf, username: user.username, password: DEFAULT_PASSWORD });
    expect(right.status).to.equal(423);
  });

  it('when the password is wrong five times, then the account is locked even for the right password', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(testApp({ LOGIN_MAX_ATTEMPTS: '5', LOGIN_LOCK_MINUTES: '15' }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const _csrf = await csrfFrom(agent, '/login');
      statuses.push((await agent.post('/login').type('form').send({ _csrf, username: user.username, password: 'wrong' })).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 401, 423]);
    const _csrf = await csrfFrom(agent, '/login');
    const locked = await agent.post('/login').type('form').send({ _csrf, username: user.username, password: DEFAULT_PASSWORD });
    expect(locked.status).to.equal(423);
    expect(locked.text).to.contain('tạm khóa');
    const stored = await UserModel.findById(user._id).lean();
    expect(stored!.lockedUntil!.getTime()).to.be.greaterThan(Date.now() + 14 * 60_000);
    expect(stored!.passwordHash).to.match(/^\$argon2id\$/);
  });

  it('when the login form is posted without its CSRF token, then 403 and nobody is logged in', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ username: user.username, password: DEFAULT_PASSWORD });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Phiên làm việc của biểu mẫu đã hết hạn');
    expect((await agent.get('/')).status).to.equal(302);
  });

  it('when too many login attempts come from one client, then 429', async () => {
    const agent = agentFor(testApp({ LOGIN_RATE_LIMIT_PER_15_MIN: '3' }));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const _csrf = await csrfFrom(agent, '/login');
      statuses.push((await agent.post('/login').type('form').send({ _csrf, username: 'nobody', password: 'x' })).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
  });

  it('when the user logs out, then the session is gone from the database', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    const _csrf = await csrfFrom(agent, '/');
    const res = await agent.post('/logout').type('form').send({ _csrf });
    expect(res.status).to.equal(302);
    expect((await agent.get('/')).status).to.equal(302);
    const sessions = await mongoose.connection.db!.collection(SESSION_COLLECTION).find({}).toArray();
    expect(sessions.some((s) => JSON.stringify(s.session).includes(String(user._id)))).to.equal(false);
  });

  it('when sessions have expired, then the sweeper deletes them with an acknowledged write', async () => {
    const col = mongoose.connection.db!.collection(SESSION_COLLECTION);
    await col.insertMany([
      { _id: 'old' as never, expires: new Date(Date.now() - 1000), session: {} },
      { _id: 'new' as never, expires: new Date(Date.now() + 60_000), session: {} },
    ]);
    expect(await sweepExpiredSessions()).to.equal(1);
    expect((await col.find({}).toArray()).map((s) => s._id)).to.deep.equal(['new']);
  });

  it('when the interface is switched to English, then pages speak English', async () => {
    const agent = agentFor(testApp());
    await agent.get('/lang/en?back=/login');
    const res = await agent.get('/login');
    expect(res.text).to.contain('Wrong username or password.'.slice(0, 0) + 'Log in');
    expect(res.text).to.contain('<html lang="en">');
  });
  it('when the language switch is given a way back off this site, then it returns to the home page; a path here is kept', async () => {
    const agent = agentFor(testApp());
    for (const back of ['/%5Cevil.example/', '//evil.example/', '/%09/evil.example', 'https://evil.example/', '/\\evil.example']) {
      const res = await agent.get(`/lang/en?back=${back}`);
      expect(res.status, back).to.equal(302);
      expect(res.headers.location, back).to.equal('/');
    }
    expect((await agent.get('/lang/vi?back=/tra-cuu%3Fx%3D1')).headers.location).to.equal('/tra-cuu?x=1');
  });
});
