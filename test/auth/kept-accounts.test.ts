import { expect } from 'chai';
import mongoose from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { makeProvince, makeUser } from '../helpers/factories.js';
import { commandsOf } from '../helpers/command-log.js';
import { UserModel } from '../../src/auth/model.js';
import { replaceRevision } from '../../src/shared/kept-in-memory.js';

/**
 * The signed-in account is kept in memory between requests (issue 8: one round trip fewer on every page), so what
 * ends or narrows a sign-in must still reach the next request: this process's own writes at once, another process's
 * (a raw write plus the revision it sets, as that process's model would) within the second the copy is trusted.
 */
describe('the signed-in account kept between requests', function () {
  this.timeout(60_000);
  let app: ReturnType<typeof testApp>;
  let agent: Agent;
  let userId: mongoose.Types.ObjectId;

  beforeEach(async () => {
    await clearDatabase();
    const { province } = await makeProvince();
    const user = await makeUser({ username: 'quantri', roles: [{ role: 'admin', unit: province }] });
    userId = user._id;
    app = testApp();
    agent = agentFor(app);
    await login(agent, 'quantri');
    expect((await agent.get('/audit')).status).to.equal(200);
  });

  it('when the account is viewed again, then no account is read from the database', async () => {
    const { result, commands } = await commandsOf(() => agent.get('/audit'));
    expect(result.status).to.equal(200);
    expect(commands.filter((c) => c.collection === 'users')).to.deep.equal([]);
  });

  it('when another user signs in and someone mistypes a password, then this account is still not read from the database', async () => {
    await makeUser({ username: 'canbo', roles: [] });
    expect((await agent.get('/audit')).status).to.equal(200); // a new account is a write the kept copy must see
    await login(agentFor(app), 'canbo');
    const stranger = agentFor(app);
    const _csrf = await csrfFrom(stranger, '/login');
    const wrong = await stranger.post('/login').type('form').send({ _csrf, username: 'canbo', password: 'sai-mat-khau' });
    expect(wrong.status).to.equal(401);
    expect((await UserModel.findOne({ username: 'canbo' }).lean())?.failedLogins).to.equal(1);
    const { result, commands } = await commandsOf(() => agent.get('/audit'));
    expect(result.status).to.equal(200);
    expect(commands.filter((c) => c.collection === 'users')).to.deep.equal([]);
  });

  it('when this process deactivates the account, then its next request is sent to the login page', async () => {
    await UserModel.updateOne({ _id: userId }, { $set: { active: false } });
    const res = await agent.get('/audit');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.match(/^\/login/);
  });

  it('when this process takes the administrator role away, then the next request to an administrator page is refused', async () => {
    await UserModel.updateOne({ _id: userId }, { $set: { roles: [] } });
    expect((await agent.get('/audit')).status).to.equal(403);
  });

  it('when another process raises the session epoch (a password change there), then this session ends within seconds', async () => {
    await UserModel.collection.updateOne({ _id: userId }, { $inc: { sessionEpoch: 1 } });
    await replaceRevision('users');
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) status = (await agent.get('/audit')).status;
    expect(status).to.equal(302);
  });
});
