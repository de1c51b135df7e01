import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { startEmbeddedDb, EmbeddedDbMissing } from '../../src/db/embedded.js';
import { createLogger } from '../../src/shared/logger.js';
import { testApp } from '../helpers/app.js';
import { startThrowawayDb } from '../helpers/database-server.js';

describe('health and the embedded database', () => {
  it('when the database answers, then /health is 200 and says so', async () => {
    const res = await supertest(testApp()).get('/health');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok', database: 'up' });
  });

  it('when the database stops, then /health answers 503 without hanging', async function () {
    this.timeout(60_000);
    const { db, dispose } = await startThrowawayDb('congboc-health-');
    const connection = await mongoose.createConnection(db.uri, { dbName: 'healthcheck', serverSelectionTimeoutMS: 1000 }).asPromise();
    try {
      const app = testApp({}, { healthConnection: connection });
      expect((await supertest(app).get('/health')).status).to.equal(200);
      await db.stop();
      const down = await supertest(app).get('/health');
      expect(down.status).to.equal(503);
      expect(down.body.database).to.equal('down');
    } finally {
      await connection.close(true).catch(() => undefined);
      await dispose();
    }
  });

  it('when the FerretDB binary is missing, then one clear line says how to get it', async () => {
    let error: unknown;
    try {
      await startEmbeddedDb({ bin: '/nonexistent/ferretdb', dataDir: os.tmpdir(), port: 1, logger: createLogger('silent') });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(EmbeddedDbMissing);
    expect((error as Error).message).to.contain('npm run ferretdb:build').and.contain('MONGODB_URI');
    expect((error as Error).message).not.to.contain('\n');
  });
});
