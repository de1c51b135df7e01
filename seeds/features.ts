import type { Logger } from 'pino';
import { seedSatisfactionDemo } from '../src/satisfaction/demo.js';
import { seedDossiersDemo } from '../src/dossiers/demo.js';
import { seedReportsDemo } from '../src/reports/demo.js';
import { seedEvaluationsDemo } from '../src/evaluations/demo.js';

/** Each feature's own demo data, run after the units, staff, logins and code of conduct exist. */
export async function seedFeatureDemos(logger: Logger, now = new Date()): Promise<void> {
  await seedEvaluationsDemo(logger);
  await seedSatisfactionDemo(logger, now);
  await seedDossiersDemo(logger, now);
  await seedReportsDemo(logger, now);
}
