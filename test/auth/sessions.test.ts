import { expect } from 'chai';
import express from 'express';
import supertest from 'supertest';
import { sessionMiddleware, sessionStoredBeforeRedirect } from '../../src/auth/sessions.js';
import { clearDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/app.js';

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
});
