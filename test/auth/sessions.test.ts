import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { sessionMiddleware, sessionStoredBeforeRedirect } from '../../src/auth/sessions.js';
import { clearDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/app.js';
import cookieParser from 'cookie-parser';
import { flash, takeFlash, FLASH_COOKIE } from '../../src/shared/flash.js';

describe('sessions in the database', () => {
  beforeEach(clearDatabase);

  /** A bare app with the product's session layer, counting the sessions stored (a touch within 5 minutes writes nothing). */
  function countingApp() {
    const writes: string[] = [];
    const app = express();
    app.use(sessionMiddleware(testConfig()));
    app.use((req, _res, next) => {
      const store = req.sessionStore as unknown as Record<string, unknown> & { counted?: boolean };
      if (!store.counted) {
        store.counted = true;
        const set = (store.set as (...args: unknown[]) => void).bind(store);
        store.set = (...args: unknown[]) => {
          writes.push(String(args[0]));
          set(...args);
        };
      }
      next();
    });
    app.use(sessionStoredBeforeRedirect);
    app.post('/remember', (req, res) => {
      (req.session as unknown as { value?: number }).value = ((req.session as unknown as { value?: number }).value ?? 0) + 1;
      res.redirect('/show');
    });
    app.get('/show', (req, res) => {
      res.json({ value: (req.session as unknown as { value?: number }).value ?? null });
    });
    app.use(cookieParser(testConfig().sessionSecret));
    app.post('/say', (req, res) => {
      flash(req, 'success', 'common.saved', { count: 3 });
      res.redirect('/said');
    });
    app.get('/said', (req, res) => {
      res.json(takeFlash(req, res));
    });
    return { app, writes };
  }

  it('when a post changes the session and redirects, then the session is written once and the next page reads the change', async () => {
    const { app, writes } = countingApp();
    const agent = supertest.agent(app);
    expect((await agent.post('/remember')).status).to.equal(302);
    expect(writes).to.have.length(1);
    expect((await agent.post('/remember')).status).to.equal(302);
    expect(writes).to.have.length(2);
    expect((await agent.get('/show')).body).to.deep.equal({ value: 2 });
  });

  it('when a post only leaves a flash message and redirects, then no session is written, and the next page shows the message once', async () => {
    const { app, writes } = countingApp();
    const agent = supertest.agent(app);
    expect((await agent.post('/remember')).status).to.equal(302);
    expect(writes).to.have.length(1);
    expect((await agent.post('/say')).status).to.equal(302);
    expect((await agent.get('/said')).body).to.deep.equal([{ kind: 'success', key: 'common.saved', params: { count: 3 } }]);
    expect((await agent.get('/said')).body).to.deep.equal([]);
    expect(writes).to.have.length(1);
  });

  it('when the flash cookie is forged, altered or garbled, then the page shows no message and answers 200', async () => {
    const { app } = countingApp();
    const said = await supertest(app).post('/say');
    const signed = said.headers['set-cookie']![0]!.split(';')[0]!;
    const forged = `${FLASH_COOKIE}=${encodeURIComponent('j:[{"kind":"error","key":"forged"}]')}`;
    const altered = signed.replace('common.saved', 'common.hacked');
    for (const cookie of [forged, altered, `${FLASH_COOKIE}=%E0%A4%A`, `${FLASH_COOKIE}=s%3Anot-json.sig`]) {
      const res = await supertest(app).get('/said').set('Cookie', cookie);
      expect(res.status, cookie).to.equal(200);
      expect(res.body, cookie).to.deep.equal([]);
    }
    expect((await supertest(app).get('/said').set('Cookie', signed)).body).to.deep.equal([{ kind: 'success', key: 'common.saved', params: { count: 3 } }]);
  });
});
