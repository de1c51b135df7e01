/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { createMailer } from './mailer.js';
export type { MailSettings, Mailer, OutgoingMail } from './mailer.js';
export { claimOnce, ensureLeaseDocument, withLease } from './ledger.js';
