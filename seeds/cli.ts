// npm run seed [-- --reset]: loads the Điện Biên demo into the configured database
// (the embedded FerretDB when MONGODB_URI is unset, as the server does).
import { loadConfig, ConfigError } from '../src/config.js';
import { logger } from '../src/shared/logger.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../src/db/connection.js';
import { startEmbeddedDb, EmbeddedDbMissing, type EmbeddedDb } from '../src/db/embedded.js';
import { resetDemo, seedIfEmpty } from './demo.js';

let embedded: EmbeddedDb | null = null;

async function main(): Promise<void> {
  const reset = process.argv.includes('--reset');
  const config = loadConfig();
  logger.level = config.LOG_LEVEL;
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedDb({ bin: config.FERRETDB_BIN, dataDir: config.EMBEDDED_DB_DIR, port: config.EMBEDDED_DB_PORT, logger });
    uri = embedded.uri;
  }
  await connectDatabase(uri, config.DB_NAME);
  try {
    await ensureIndexes();
    if (reset) {
      await resetDemo();
      logger.info('demo collections emptied (--reset)');
    }
    const summary = await seedIfEmpty(logger);
    process.stdout.write(
      summary
        ? `Demo loaded: ${summary.units} units, ${summary.staff} staff, logins ${summary.users.join(', ')}.\n`
        : 'The database already has units: nothing seeded (use "npm run seed -- --reset" to reload the demo).\n',
    );
  } finally {
    await disconnectDatabase();
    await embedded?.stop();
  }
}

main().catch(async (err: unknown) => {
  await embedded?.stop();
  if (err instanceof ConfigError || err instanceof EmbeddedDbMissing) process.stderr.write(`${err.message}\n`);
  else logger.fatal({ err }, 'seed failed');
  process.exit(1);
});
