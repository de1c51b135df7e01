import express from 'express';
import supertest from 'supertest';
import { connectionOptions } from '../../src/db/connection.js';
import { errorHandler } from '../../src/shared/error-handler.js';
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedDb, freePort, EmbeddedDbMissing, type EmbeddedDb } from '../../src/db/embedded.js';
import { createLogger } from '../../src/shared/logger.js';
import { projectRoot } from '../../src/shared/paths.js';
import { testBackend } from '../helpers/database-server.js';

const bin = process.env.FERRETDB_BIN ?? path.join(projectRoot, '.ferretdb', 'ferretdb');
const pidAlive = (pid: number) => fs.existsSync(`/proc/${pid}`);

describe('restarting the embedded database after a crash', function () {
  this.timeout(180_000);
  let dataDir: string;
  const started: EmbeddedDb[] = [];
  const start = async (port: number) => {
    const db = await startEmbeddedDb({ backend: testBackend, bin, dataDir, port, logger: createLogger('silent'), durable: false });
    started.push(db);
    return db;
  };

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-restart-'));
    fs.chmodSync(dataDir, 0o711);
  });
  afterEach(async () => {
    for (const db of started.splice(0)) await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the servers of an earlier run are still running on the same data, then they are stopped and the new ones keep the data', async () => {
    const first = await start(await freePort());
    const client = new MongoClient(first.uri);
    await client.db('restart').collection('kept').insertOne({ n: 1 });
    await client.close();
    const orphanPid = Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8'));

    // The earlier app died without stopping `first`: a new start on the same folder takes over.
    const second = await start(await freePort());
    expect(pidAlive(orphanPid), 'the orphaned FerretDB has exited').to.equal(false);
    const again = new MongoClient(second.uri);
    try {
      expect(await again.db('restart').collection('kept').countDocuments({ n: 1 })).to.equal(1);
    } finally {
      await again.close();
    }
  });

  it('when the embedded FerretDB and then its PostgreSQL are killed, then each is started again by itself and the data written before is read back', async () => {
    const db = await start(await freePort());
    const client = new MongoClient(db.uri, { serverSelectionTimeoutMS: 2000 });
    try {
      await client.db('restart').collection('kept').insertOne({ n: 1 });
      const readBack = async () => {
        const deadline = Date.now() + 90_000;
        for (;;) {
          try {
            return await client.db('restart').collection('kept').countDocuments({ n: 1 });
          } catch (err) {
            if (Date.now() > deadline) throw err;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      };
      const ferretPid = Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8'));
      process.kill(ferretPid, 'SIGKILL');
      expect(await readBack(), 'after FerretDB was killed').to.equal(1);
      expect(Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8')), 'a new FerretDB').to.not.equal(ferretPid);
      if (testBackend === 'postgresql') {
        const postmaster = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(postmaster, 'SIGKILL');
        expect(await readBack(), 'after PostgreSQL was killed').to.equal(1);
      }
    } finally {
      await client.close();
    }
  });

  it('when the database stops answering (SIGSTOP), then a read with the app’s connection options fails instead of waiting, the error page says 503, and reads work again once it resumes', async function () {
    const db = await start(await freePort());
    const client = new MongoClient(db.uri, connectionOptions);
    const ferretPid = Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8'));
    try {
      await client.db('restart').collection('kept').insertOne({ n: 1 });
      process.kill(ferretPid, 'SIGSTOP');
      let failure: unknown = null;
      try {
        await client.db('restart').collection('kept').findOne({ n: 1 });
      } catch (err) {
        failure = err;
      }
      expect(failure, 'the read failed').to.be.instanceOf(Error);
      const app = express();
      app.use((req, _res, next) => {
        req.log = createLogger('silent');
        next();
      });
      app.get('/', () => {
        throw failure;
      });
      app.use(errorHandler());
      expect((await supertest(app).get('/').set('Accept', 'application/json')).status).to.equal(503);
      process.kill(ferretPid, 'SIGCONT');
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          expect(await client.db('restart').collection('kept').countDocuments({ n: 1 })).to.equal(1);
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      process.kill(ferretPid, 'SIGCONT');
      await client.close();
    }
  });

  it('when another program holds the port, then start-up stops with one line naming the port instead of connecting to it', async () => {
    const other = await start(await freePort());
    const port = Number(new URL(other.uri).port);
    const otherDir = dataDir;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-restart-'));
    fs.chmodSync(dataDir, 0o711);
    let error: unknown;
    try {
      await start(port);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(EmbeddedDbMissing);
    expect((error as Error).message).to.contain(String(port)).and.contain('EMBEDDED_DB_PORT').and.not.contain('\n');
    for (const db of started.splice(0)) await db.stop();
    fs.rmSync(otherDir, { recursive: true, force: true });
  });
});
