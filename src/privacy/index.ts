/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { privacyNoticeLocals } from './notice.js';
export type { PrivacyNotice } from './notice.js';
export { retentionSettings, useConfiguredDefaults } from './settings.js';
export type { RetentionSettings } from './settings.js';
export { runRetention, startRetentionJob } from './job.js';
export type { RetentionCounts } from './job.js';
export { ownSubjectAccessFile, subjectAccessFileName } from './subject-access.js';
export type { SubjectAccessFile } from './subject-access.js';
