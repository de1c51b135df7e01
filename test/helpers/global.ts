import mongoose from 'mongoose';
import { connectDatabase, ensureIndexes } from '../../src/db/connection.js';
import { startThrowawayDb } from './database-server.js';
import { registerMessages } from '../../src/catalogues.js';

// Services that render texts (workbooks, reminders) are called without an app in many tests.
registerMessages();

// One real database server per test run: the embedded FerretDB on a throw-away directory, or any server
// (a real MongoDB included) named by TEST_MONGODB_URI.
let server: Awaited<ReturnType<typeof startThrowawayDb>> | undefined;

/** The embedded server of this run, or undefined when the suite runs against TEST_MONGODB_URI. */
export const embeddedTestServer = () => server?.db;
/** Its data folder (FerretDB's pid file is there). */
export const embeddedTestDataDir = () => server?.dataDir;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(180_000);
    const uri = process.env.TEST_MONGODB_URI;
    if (uri) {
      await connectDatabase(uri, 'congboctest', { monitorCommands: true });
      await mongoose.connection.db!.dropDatabase();
      await ensureIndexes();
      return;
    }
    server = await startThrowawayDb('congboc-test-');
    await connectDatabase(server.db.uri, 'congboctest', { monitorCommands: true });
    await ensureIndexes(server.db);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await mongoose.disconnect();
    await server?.dispose();
  },
};
