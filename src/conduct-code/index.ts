/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export type { CodeVersion } from './model.js';
export { criteriaOfYear, currentVersionFor, publishedVersion, versionInForce } from './service.js';
export type { YearCriterion } from './service.js';
