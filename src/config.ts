import { DEVELOPMENT_IDENTITY_KEY } from './shared/sealing.js';
import { z } from 'zod';
import { projectRoot } from './shared/paths.js';
import path from 'node:path';
import { EMBEDDED_BACKENDS } from './db/backends.js';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  EMBEDDED_DB_PORT: z.coerce.number().int().min(1).max(65535).default(27018),
  EMBEDDED_DB_DIR: z.string().min(1).default(path.join(projectRoot, 'data')),
  FERRETDB_BIN: z.string().min(1).default(path.join(projectRoot, '.ferretdb', 'ferretdb')),
  EMBEDDED_DB_BACKEND: z.enum(EMBEDDED_BACKENDS).default('postgresql'),
  PG_BIN_DIR: z.string().min(1).optional(),
  EMBEDDED_PG_OS_USER: z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'a system user name').default('postgres'),
  DB_NAME: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'ASCII letters, digits and _ only').default('congboc'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_MAX_AGE_HOURS: z.coerce.number().positive().max(24 * 30).default(8),
  COOKIE_SECURE: booleanFlag.optional(),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  TWO_FACTOR_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  IDENTITY_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  TWO_FACTOR_REQUIRED: booleanFlag.optional(),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  LOGIN_RATE_LIMIT_PER_15_MIN: z.coerce.number().int().min(1).default(20),
  SEED_ON_EMPTY: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_LANGUAGE: z.enum(['vi', 'en']).default('vi'),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: booleanFlag.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASS: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).default('Công Bộc <no-reply@localhost>'),
  REPORT_DAYS_ACKNOWLEDGE: z.coerce.number().int().min(1).max(60).default(2),
  REPORT_DAYS_REVIEW: z.coerce.number().int().min(1).max(90).default(10),
  REPORT_DAYS_RESOLVE: z.coerce.number().int().min(1).max(90).default(10),
  REMINDER_DAYS_BEFORE: z.coerce.number().int().min(0).max(30).default(2),
  EXPLANATION_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  REVIEW_REQUEST_DAYS: z.coerce.number().int().min(1).max(90).default(15),
  REPORT_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(10),
  REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN: z.coerce.number().int().min(1).default(10),
  KIOSK_RATINGS_PER_10_MIN: z.coerce.number().int().min(1).default(30),
  REPORT_TRACKING_DAYS_AFTER_CLOSE: z.coerce.number().int().min(1).max(3650).default(180),
  EARLY_WARNING_THRESHOLD: z.coerce.number().int().min(2).max(100).default(2),
  EARLY_WARNING_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  SUPPRESS_BELOW: z.coerce.number().int().min(1).max(100).default(3),
  EXPORT_DIR: z.string().min(1).optional(),
  EXPORT_RETENTION_HOURS: z.coerce.number().positive().max(24 * 90).default(24),
});

export type Config = Readonly<z.infer<typeof schema> & { sessionSecret: string; cookieSecure: boolean; twoFactorKey: string; identityKey: string; twoFactorRequired: boolean }>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET is required in production');
  }
  if (c.NODE_ENV === 'production' && !c.PUBLIC_BASE_URL) {
    throw new ConfigError('Invalid configuration: PUBLIC_BASE_URL is required in production (the address citizens reach the app at, printed in QR codes)');
  }
  if (c.NODE_ENV === 'production' && !c.TWO_FACTOR_KEY) {
    throw new ConfigError('Invalid configuration: TWO_FACTOR_KEY is required in production (at least 32 characters; it encrypts the two-factor secrets, keep it apart from database backups)');
  }
  if (c.NODE_ENV === 'production' && !c.IDENTITY_KEY) {
    throw new ConfigError('Invalid configuration: IDENTITY_KEY is required in production (at least 32 characters; it encrypts reporters\' names and contacts, keep it apart from database backups)');
  }
  return Object.freeze({
    ...c,
    // Outside production a per-process secret is fine: sessions simply end on restart.
    sessionSecret: c.SESSION_SECRET ?? `dev-${crypto.randomUUID()}-${crypto.randomUUID()}`,
    cookieSecure: c.COOKIE_SECURE ?? c.NODE_ENV === 'production',
    // Outside production the key is fixed per database name, not random: two-factor secrets must survive a restart.
    twoFactorKey: c.TWO_FACTOR_KEY ?? `dev-two-factor-key-not-for-production-${c.DB_NAME}`,
    // Likewise: reporters' identities must stay readable across restarts.
    identityKey: c.IDENTITY_KEY ?? DEVELOPMENT_IDENTITY_KEY,
    // Administrators and heads must enrol before anything else: on by default in production only.
    twoFactorRequired: c.TWO_FACTOR_REQUIRED ?? c.NODE_ENV === 'production',
  });
}

export class ConfigError extends Error {}
