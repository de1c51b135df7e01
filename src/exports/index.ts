/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { removeExpired as removeExpiredExports } from './jobs.js';
export { exportSettingsFrom } from './settings.js';
export type { ExportSettings } from './settings.js';
