import http from 'node:http';
import { loadConfig, ConfigError } from './config.js';
import { logger } from './shared/logger.js';
import { settleBackgroundWork } from './shared/process-caches.js';
import { EmbeddedDbMissing } from './db/errors.js';
import { openDatabase, closeDatabase } from './db/open.js';
import { startSessionSweeper } from './auth/sessions.js';
import { createApp } from './app.js';
import { seedIfEmpty } from '../seeds/demo.js';
import { applyDueChanges, startReorganisationJob } from './units/service.js';
import { startEscalationJob } from './incidents/deadlines.js';
import { checkIdentityKey, startEvidenceSweep, useIdentityKey } from './incidents/index.js';
import { startCaseReminderJob } from './incidents/reminders.js';
import { startEvaluationReminderJob } from './evaluations/deadline-reminders.js';
import { startCleanup as startExportCleanup } from './exports/jobs.js';
import { exportSettingsFrom } from './exports/settings.js';
import { prepareDerivedData } from './startup.js';
import { startRetentionJob } from './privacy/index.js';
import { loadBundledYears } from './holidays/index.js';

async function main(): Promise<void> {
  const config = loadConfig();
  logger.level = config.LOG_LEVEL;

  useIdentityKey(config.identityKey);
  const database = await openDatabase(config, logger);
  // Before anything reads or seals an identity: a key that does not open the stored ones stops the start (one line).
  await checkIdentityKey();
  const applied = await applyDueChanges();
  if (applied) logger.info({ applied }, 'carried out unit reorganisations whose day had come (or a crash had interrupted)');
  if (config.SEED_ON_EMPTY) await seedIfEmpty(logger);
  const calendarYears = await loadBundledYears();
  if (calendarYears.length) logger.info({ years: calendarYears }, 'holiday calendar loaded from the bundled data');

  const stopSweeper = startSessionSweeper();
  const stopEscalation = startEscalationJob(config);
  const stopCaseReminders = startCaseReminderJob(config);
  const stopEvaluationReminders = startEvaluationReminderJob(config);
  const stopReorganisations = startReorganisationJob((err) => logger.error({ err }, 'unit reorganisations failed'));
  startExportCleanup(exportSettingsFrom(config));
  const stopRetention = startRetentionJob(exportSettingsFrom(config));
  const stopEvidenceSweep = startEvidenceSweep(
    (removed) => logger.info({ removed }, 'removed evidence files no case came to list'),
    (err) => logger.error({ err }, 'evidence sweep failed'),
  );
  const server = http.createServer(createApp(config));
  server.listen(config.PORT, config.HOST, () => logger.info(`Công Bộc listening on http://${config.HOST}:${config.PORT}`));
  // Compact copies that pages read (slow to rebuild on FerretDB, so start-up does not wait for them).
  void prepareDerivedData(config, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stopSweeper();
    stopEscalation();
    stopCaseReminders();
    stopEvaluationReminders();
    stopReorganisations();
    stopEvidenceSweep();
    stopRetention();
    server.close();
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), 10_000);
    forced.unref();
    await new Promise((resolve) => server.once('close', resolve));
    // What waits to be numbered in the background (the audit log, the inbox) is numbered before the database closes.
    await settleBackgroundWork().catch(() => undefined);
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch(async (err: unknown) => {
  await closeDatabase();
  if (err instanceof ConfigError || err instanceof EmbeddedDbMissing) {
    process.stderr.write(`${err.message}\n`);
  } else {
    logger.fatal({ err }, 'start-up failed');
  }
  process.exit(1);
});
