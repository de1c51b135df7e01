import type { Logger } from 'pino';
import { seedSatisfactionDemo } from './demo-satisfaction.js';
import { seedDossiersDemo } from './demo-dossiers.js';
import { seedReportsDemo } from './demo-reports.js';
import { seedEvaluationsDemo } from './demo-evaluations.js';
import { seedTemplatesDemo } from './demo-templates.js';

/** Each feature's own demo data, run after the units, staff, logins and code of conduct exist. */
export async function seedFeatureDemos(logger: Logger, now = new Date()): Promise<void> {
  await seedEvaluationsDemo(logger);
  await seedSatisfactionDemo(logger, now);
  await seedDossiersDemo(logger, now);
  await seedReportsDemo(logger, now);
  await seedTemplatesDemo(logger);
}
