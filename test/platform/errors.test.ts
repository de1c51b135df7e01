import express from 'express';
import path from 'node:path';
import supertest from 'supertest';
import { errorHandler } from '../../src/shared/error-handler.js';
import { projectRoot } from '../../src/shared/paths.js';
import { UserModel } from '../../src/auth/model.js';
import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp } from '../helpers/app.js';
import { makeProvince, makeUser } from '../helpers/factories.js';

describe('error pages', () => {
  beforeEach(clearDatabase);

  it('when a page does not exist, then 404 in Vietnamese, with no stack trace', async () => {
    const { communeA } = await makeProvince();
    const user = await makeUser({ roles: [{ role: 'staff', unit: communeA }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    const res = await agent.get('/khong-co-trang-nay');
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.');
    expect(res.text).not.to.match(/at .*\.(ts|js):\d+/);
  });

  it('when a request fails on the server, then the error page (one for every NODE_ENV) has no stack trace and no error text', async () => {
    const app = express();
    app.set('views', path.join(projectRoot, 'views'));
    app.set('view engine', 'ejs');
    app.get('/boom', () => {
      throw new Error('secret detail of /srv/cong-boc');
    });
    app.use(errorHandler());
    const res = await supertest(app).get('/boom').set('Accept', 'text/html');
    expect(res.status).to.equal(500);
    expect(res.text).not.to.match(/at .*\.(ts|js):\d+/);
    expect(res.text).not.to.contain('secret detail');
  });

  it('when a staff member opens an administrators-only page, then 403 page', async () => {
    const { communeA } = await makeProvince();
    const user = await makeUser({ roles: [{ role: 'staff', unit: communeA }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    const res = await agent.get('/audit');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Bạn không có quyền thực hiện thao tác này.');
  });

  it('when a form body is too large, then 413 with a localised message on the site’s page (its layout, a way home)', async () => {
    const agent = agentFor(testApp());
    const _csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf, username: 'x'.repeat(300_000), password: 'x' });
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('Dữ liệu gửi lên quá lớn.');
    expect(res.text).to.contain('class="skip-link"').and.to.contain('/public/css/app.css').and.to.contain('href="/"');
  });

  it('when a client asks for JSON, then errors come as JSON with the request id', async () => {
    const res = await agentFor(testApp()).get('/khong-co').set('Accept', 'application/json');
    expect(res.status).to.equal(404);
    expect(res.body.error).to.be.a('string');
    expect(res.body.requestId).to.equal(res.headers['x-request-id']);
  });

  it('when the login form is empty, then 422 with the message beside each field', async () => {
    const agent = agentFor(testApp());
    const _csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf, username: '', password: '' });
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/id="f-username-error">Vui lòng nhập trường này.</);
    expect(res.text).to.match(/id="f-password-error">Vui lòng nhập trường này.</);
  });
});

describe('CSRF on multipart requests', () => {
  beforeEach(clearDatabase);

  it('when a multipart form is posted to a route that takes no upload, then 403 and nothing changes', async () => {
    const { province, communeA } = await makeProvince();
    const admin = await makeUser({ roles: [{ role: 'admin', unit: province }] });
    const locked = await makeUser({ roles: [{ role: 'staff', unit: communeA }] });
    const until = new Date(Date.now() + 3600_000);
    await UserModel.updateOne({ _id: locked._id }, { $set: { lockedUntil: until } });
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    const res = await agent.post(`/users/${locked._id}/unlock`).field('note', 'cross-site');
    expect(res.status).to.equal(403);
    expect((await UserModel.findById(locked._id).lean())!.lockedUntil!.getTime()).to.equal(until.getTime());
  });
});
