import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectDatabase, ensureIndexes } from '../../src/db/connection.js';
import { stopOrphan } from '../../src/db/processes.js';
import { createLogger } from '../../src/shared/logger.js';
import { startThrowawayDb } from './database-server.js';
import { TEST_DB_NAME } from './database-name.js';
import { registerMessages } from '../../src/catalogues.js';
import { lowerPasswordHashCostForTests } from '../../src/auth/passwords.js';

// Services that render texts (workbooks, reminders) are called without an app in many tests.
registerMessages();
// Hundreds of accounts are made and signed in; the standard cost is checked in test/auth/passwords.test.ts.
lowerPasswordHashCostForTests();

/**
 * One real database server per test process: the embedded FerretDB on a throw-away folder, or any server (a real
 * MongoDB included) named by TEST_MONGODB_URI, in a database of this process's own. `npm test` runs the files in two
 * worker processes (.mocharc.json), so each worker starts its server before its first file and keeps it for the
 * files after; the servers' folders are inside this run's folder, which the main process removes at the end.
 */
const RUN_DIR_ENV = 'CONGBOC_TEST_RUN_DIR';
let server: Awaited<ReturnType<typeof startThrowawayDb>> | undefined;
let connected: Promise<void> | undefined;

/** The embedded server of this process, or undefined when the suite runs against TEST_MONGODB_URI. */
export const embeddedTestServer = () => server?.db;
/** Its data folder (FerretDB's pid file is there). */
export const embeddedTestDataDir = () => server?.dataDir;

/** The driver reports every command, so that a test can record what a page asks (test/helpers/page-commands.ts). */
const MONITORED = { monitorCommands: true };

async function connect(): Promise<void> {
  const uri = process.env.TEST_MONGODB_URI;
  if (uri) {
    await connectDatabase(uri, TEST_DB_NAME, MONITORED);
    await mongoose.connection.db!.dropDatabase();
    await ensureIndexes();
    return;
  }
  server = await startThrowawayDb(path.join(process.env[RUN_DIR_ENV] ?? os.tmpdir(), 'congboc-test-'));
  await connectDatabase(server.db.uri, TEST_DB_NAME, MONITORED);
  await ensureIndexes(server.db);
}

// In parallel mode root hooks run before each file, in the worker that runs it; serially, once.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(180_000);
    connected ??= connect();
    await connected;
  },
};

// Global fixtures run once, in the main process: a worker's server outlives its files, and the worker is ended by
// mocha without a hook of ours, so its servers are stopped here through the pid files in their folders.
export async function mochaGlobalSetup() {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-test-run-'));
  fs.chmodSync(runDir, 0o711); // PostgreSQL, run as `postgres` under root, enters its data folder inside
  process.env[RUN_DIR_ENV] = runDir;
}

export async function mochaGlobalTeardown() {
  await mongoose.disconnect();
  await server?.dispose();
  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir) return;
  const logger = createLogger('error');
  for (const dir of fs.readdirSync(runDir)) {
    await stopOrphan(path.join(runDir, dir, 'ferretdb.pid'), 'ferretdb', 'SIGTERM', logger);
    await stopOrphan(path.join(runDir, dir, 'pg', 'postmaster.pid'), 'postgres', 'SIGINT', logger);
  }
  fs.rmSync(runDir, { recursive: true, force: true });
}
