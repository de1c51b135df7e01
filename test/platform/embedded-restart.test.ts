import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
/** Running: a process that exited but was not reaped yet (a zombie: the orphan's new parent may never reap it) is not. */
const pidAlive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
};

/** How many kept documents the server holds, asked again while it does not answer (for up to 90 s). */
async function keptOnceAnswering(client: MongoClient): Promise<number> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await client.db('restart').collection('kept').countDocuments({ n: 1 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

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
    // An app in a process of its own, killed without stopping its servers, as a crash leaves them.
    const app = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'test', 'helpers', 'embedded-db-process.ts'), dataDir, String(await freePort())], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    app.stdout.on('data', (c: Buffer) => (output += c.toString()));
    const [, uri] = (await new Promise<RegExpExecArray>((resolve, reject) => {
      app.once('exit', (code) => reject(new Error(`the app process exited with ${code}: ${output}`)));
      app.stdout.on('data', () => {
        const ready = /ready (\S+)/.exec(output);
        if (ready) resolve(ready);
      });
    }))!;
    const client = new MongoClient(uri!);
    await client.db('restart').collection('kept').insertOne({ n: 1 });
    await client.close();
    const orphanPid = Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8'));
    app.kill('SIGKILL');
    await once(app, 'exit');
    expect(pidAlive(orphanPid), 'its FerretDB outlived it').to.equal(true);

    // A new start on the same folder takes over.
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
      const ferretPid = Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8'));
      process.kill(ferretPid, 'SIGKILL');
      expect(await keptOnceAnswering(client), 'after FerretDB was killed').to.equal(1);
      expect(Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8')), 'a new FerretDB').to.not.equal(ferretPid);
      if (testBackend === 'postgresql') {
        const postmaster = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(postmaster, 'SIGKILL');
        expect(await keptOnceAnswering(client), 'after PostgreSQL was killed').to.equal(1);
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
      // The kernel has stopped it before the read is sent (state T in /proc).
      const state = () => fs.readFileSync(`/proc/${ferretPid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
      for (let i = 0; state() !== 'T' && i < 100; i++) await new Promise((r) => setTimeout(r, 20));
      expect(state(), `FerretDB (pid ${ferretPid}, listening for ${db.uri}) is stopped`).to.equal('T');
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
      expect(await keptOnceAnswering(client), 'after it resumed').to.equal(1);
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
