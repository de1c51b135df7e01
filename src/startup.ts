import { vietnamYear } from './shared/dates.js';
import type { Config } from './config.js';
import type { Logger } from 'pino';
import { prepareAuditLog } from './audit/service.js';
import { prepareReports, sealStoredIdentities, storeReceivedMonths } from './incidents/counters.js';
import { buildAllPeriodCopies, repairResultRecordsWhere } from './evaluations/results-store.js';
import * as statistics from './statistics/index.js';
import { staleSortKeys, storeFormerUnitPaths, storeSortKeys } from './staff/index.js';
import { storePeopleSortKeys } from './evaluations/index.js';

/**
 * What the pages' compact copies need on a database written by an older version, after a crash, or straight into the
 * collections: the audit log numbered, the reports' counters built, evaluation records and tallies repaired, and this
 * year's statistics computed. Each step is idempotent and cheap when already done. The server runs it in the
 * background after it starts listening (pages fall back to slower reads meanwhile); the benchmark awaits it.
 */
export async function prepareDerivedData(config: Pick<Config, 'EARLY_WARNING_THRESHOLD' | 'EARLY_WARNING_WINDOW_DAYS'>, logger: Logger): Promise<void> {
  const step = async (name: string, work: () => Promise<unknown>) => {
    try {
      const result = await work();
      logger.info({ result }, `${name} ready`);
    } catch (err) {
      logger.error({ err }, `${name} failed`);
    }
  };
  await step('reporter identities sealed', () => sealStoredIdentities());
  await step('sort keys of names', () => refreshSortKeys());
  await step('staff former units', () => storeFormerUnitPaths());
  await step('audit log numbering', () => prepareAuditLog((msg) => logger.info(msg)));
  await step('reports month received', () => storeReceivedMonths());
  await step('reports counters', () =>
    prepareReports({ threshold: config.EARLY_WARNING_THRESHOLD, days: config.EARLY_WARNING_WINDOW_DAYS }, (msg) => logger.info(msg)),
  );
  await step('evaluation result records', () => repairResultRecordsWhere({}));
  await step('evaluation period tallies', () => buildAllPeriodCopies());
  await step('statistics', () => statistics.warmUp(vietnamYear()));
}

/**
 * Names stored with a sort key of older rules get today's: the copies on evaluations, records and classifications
 * first, the staff record last, so an interrupted run is found again at the next start (by the staff record).
 */
async function refreshSortKeys(): Promise<number> {
  const stale = await staleSortKeys();
  if (stale.length === 0) return 0;
  await storePeopleSortKeys(stale);
  await storeSortKeys(stale);
  return stale.length;
}
