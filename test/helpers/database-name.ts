/**
 * The database the tests write, one per test process: `npm test` runs two workers (.mocharc.json), which against one
 * server (TEST_MONGODB_URI) must not share a database. The app under test and the session store use it too.
 */
export const TEST_DB_NAME = `congboctest${process.env.MOCHA_WORKER_ID ?? ''}`;
