import { projectRoot } from '../shared/paths.js';
import path from 'node:path';
import type { Config } from '../config.js';

/** What the exports and dashboards read from the configuration. */
export interface ExportSettings {
  suppressBelow: number;
  dir: string;
  retentionHours: number;
}

export function exportSettingsFrom(config: Pick<Config, 'SUPPRESS_BELOW' | 'EXPORT_DIR' | 'EXPORT_RETENTION_HOURS'>): ExportSettings {
  return {
    suppressBelow: config.SUPPRESS_BELOW,
    // Not a shared temporary folder: another account there could read the workbooks or plant the folder first.
    dir: config.EXPORT_DIR ? path.resolve(config.EXPORT_DIR) : path.join(projectRoot, 'data', 'exports'),
    retentionHours: config.EXPORT_RETENTION_HOURS,
  };
}
