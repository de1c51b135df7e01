// npm run seed [-- --reset]: loads the Điện Biên demo into the configured database
// (the embedded FerretDB when MONGODB_URI is unset, as the server does).
import { loadConfig, ConfigError } from '../src/config.js';
import { useIdentityKey } from '../src/incidents/index.js';
import { logger } from '../src/shared/logger.js';
import { EmbeddedDbMissing } from '../src/db/errors.js';
import { openDatabase, closeDatabase } from '../src/db/open.js';
import { resetDemo, seedIfEmpty } from './demo.js';
// Registers the statistics read model, so a reset empties it with everything else.
import '../src/statistics/index.js';

async function main(): Promise<void> {
  const reset = process.argv.includes('--reset');
  const config = loadConfig();
  logger.level = config.LOG_LEVEL;
  useIdentityKey(config.identityKey);
  const database = await openDatabase(config, logger);
  try {
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
    await database.close();
  }
}

main().catch(async (err: unknown) => {
  await closeDatabase();
  if (err instanceof ConfigError || err instanceof EmbeddedDbMissing) process.stderr.write(`${err.message}\n`);
  else logger.fatal({ err }, 'seed failed');
  process.exit(1);
});
