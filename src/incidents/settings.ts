import { loadConfig, type Config } from '../config.js';

/** The configuration the reports feature reads (deadlines, limits, early warning). */
export type ReportSettings = Pick<
  Config,
  | 'REPORT_DAYS_ACKNOWLEDGE'
  | 'REPORT_DAYS_REVIEW'
  | 'REPORT_DAYS_RESOLVE'
  | 'EXPLANATION_DAYS'
  | 'REVIEW_REQUEST_DAYS'
  | 'REPORT_RATE_LIMIT_PER_HOUR'
  | 'REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN'
  | 'REPORT_TRACKING_DAYS_AFTER_CLOSE'
  | 'EARLY_WARNING_THRESHOLD'
  | 'EARLY_WARNING_WINDOW_DAYS'
  | 'SMTP_HOST'
  | 'SMTP_PORT'
  | 'SMTP_SECURE'
  | 'SMTP_USER'
  | 'SMTP_PASS'
  | 'MAIL_FROM'
  | 'PUBLIC_BASE_URL'
>;

let cached: ReportSettings | undefined;

/** The process configuration, read once: for callers (seeds, jobs, the router) not handed a Config. */
export function defaultReportSettings(): ReportSettings {
  cached ??= loadConfig();
  return cached;
}
