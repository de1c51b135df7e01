import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDb, freePort, type EmbeddedDb } from '../../src/db/embedded.js';
import { connectDatabase, ensureIndexes } from '../../src/db/connection.js';
import { createLogger } from '../../src/shared/logger.js';
import { projectRoot } from '../../src/shared/paths.js';

// One real FerretDB per test run, on a free port and a throw-away directory.
let db: EmbeddedDb | undefined;
let dataDir: string | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-test-'));
    db = await startEmbeddedDb({
      bin: process.env.FERRETDB_BIN ?? path.join(projectRoot, '.ferretdb', 'ferretdb'),
      dataDir,
      port: await freePort(),
      logger: createLogger('error'),
    });
    await connectDatabase(db.uri, 'congboctest');
    await ensureIndexes();
  },
  async afterAll() {
    await mongoose.disconnect();
    await db?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  },
};
