import { repeatEvery } from '../shared/schedule.js';
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import { sweepExpiredSessions, type Actor } from '../auth/index.js';
import { removeExpiredExports, type ExportSettings } from '../exports/index.js';
import { ensureLeaseDocument } from '../notifications/index.js';
import { eraseSettledCasesBefore } from '../incidents/index.js';
import { eraseRatingCommentsBefore } from '../satisfaction/index.js';
import { Conflict } from '../shared/errors.js';
import { isoDate, vietnamDay } from '../shared/dates.js';
import type { Logger } from 'pino';
import { logger as defaultLogger } from '../shared/logger.js';
import { RetentionRunModel, RUN_ID, type RetentionRunDoc } from './model.js';
import { deleteRequestsHandledBefore } from './requests.js';
import { AUDIT_TYPE, assertProvinceAdmin, provinceIds, retentionSettings } from './settings.js';

/**
 * The daily retention run: what has outlived its period is erased or deleted — settled cases' reporter data
 * (incidents), desk ratings' comments (satisfaction), expired sessions (auth), generated export files (exports) and the
 * register's handled data-subject requests (here).
 * Its log line and audit entry hold counts only, never the data. One process at a time runs it: the run document's
 * lease is taken by a conditional update, so several app processes on one database do not run it twice at once, and
 * each step is idempotent, so a run cut off by a crash is finished by the next.
 */

export interface RetentionCounts {
  reports: number;
  comments: number;
  sessions: number;
  exports: number;
  requests: number;
}

/** A run cut off by a crash frees its lease after this long. */
const LEASE_MS = 30 * 60_000;
const HOLDER = `${process.pid}-${crypto.randomUUID()}`;
/** The audit log's object for the job's runs (a fixed id: its history is the list of runs). */
export const RUN_OBJECT_ID = new Types.ObjectId('000000000000000000000d14');

/** The same moment `months` calendar months earlier (the end of a shorter month when the day does not exist). */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

async function takeLease(now: Date): Promise<boolean> {
  await ensureLeaseDocument(RetentionRunModel, RUN_ID);
  const taken = await RetentionRunModel.updateOne({ _id: RUN_ID, leaseUntil: { $lt: now } }, { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS), holder: HOLDER } });
  return taken.modifiedCount === 1;
}

export interface RunOptions {
  now?: Date;
  /** The administrator who asked for the run; none for the daily schedule. */
  actor?: Actor | null;
  exportSettings: ExportSettings;
  /** The daily schedule: skip when today's run is done. */
  daily?: boolean;
  logger?: Logger;
}

/** One run; null when another process holds the lease (or, for the daily run, today's run is already done). */
export async function runRetention(opts: RunOptions): Promise<RetentionCounts | null> {
  const now = opts.now ?? new Date();
  const logger = opts.logger ?? defaultLogger;
  const today = isoDate(vietnamDay(now));
  if (opts.daily && (await RetentionRunModel.findById(RUN_ID).select('lastDay').lean())?.lastDay === today) return null;
  if (!(await takeLease(now))) return null;
  try {
    // Read again under the lease: another process may have finished today's run just before.
    if (opts.daily && (await RetentionRunModel.findById(RUN_ID).select('lastDay').lean())?.lastDay === today) return null;
    const settings = await retentionSettings();
    await RetentionRunModel.updateOne({ _id: RUN_ID }, { $set: { lastStartedAt: now } });
    let counts: RetentionCounts;
    try {
      counts = {
        reports: await eraseSettledCasesBefore(monthsBefore(now, settings.reportMonths), now),
        comments: await eraseRatingCommentsBefore(monthsBefore(now, settings.ratingCommentMonths)),
        sessions: await sweepExpiredSessions(now),
        exports: await removeExpiredExports({ ...opts.exportSettings, retentionHours: settings.exportHours }, now),
        requests: await deleteRequestsHandledBefore(monthsBefore(now, settings.requestMonths)),
      };
    } catch (err) {
      // The error's kind and stack only: the steps' errors carry no documents.
      logger.error({ err }, 'retention run failed');
      await RetentionRunModel.updateOne({ _id: RUN_ID }, { $set: { lastOk: false, lastFinishedAt: new Date(), lastTrigger: opts.actor?.displayName ?? 'schedule' } });
      throw err;
    }
    logger.info({ retention: counts }, `retention run: anonymised ${counts.reports} reports, erased ${counts.comments} comments, deleted ${counts.sessions} sessions, ${counts.exports} exports and ${counts.requests} data-subject requests`);
    await audit.record({ actor: opts.actor ?? null, objectType: AUDIT_TYPE, objectId: RUN_OBJECT_ID, action: 'retentionRun', before: null, after: { ...counts }, unitPath: await provinceIds() });
    await RetentionRunModel.updateOne(
      { _id: RUN_ID },
      { $set: { lastFinishedAt: new Date(), lastOk: true, lastCounts: counts, lastTrigger: opts.actor?.displayName ?? 'schedule', ...(opts.daily ? { lastDay: today } : {}) } },
    );
    return counts;
  } finally {
    await RetentionRunModel.updateOne({ _id: RUN_ID, holder: HOLDER }, { $set: { leaseUntil: new Date(0), holder: '' } });
  }
}

/** "Run now", by a province administrator: 409 while another run holds the lease. */
export async function runRetentionNow(actor: Actor, exportSettings: ExportSettings, opts: { now?: Date; logger?: Logger } = {}): Promise<RetentionCounts> {
  await assertProvinceAdmin(actor);
  const counts = await runRetention({ ...opts, actor, exportSettings });
  if (!counts) throw new Conflict('privacy.errors.running');
  return counts;
}

/** What the settings page shows of the last run. */
export interface LastRun {
  startedAt: Date | null;
  finishedAt: Date | null;
  trigger: string;
  ok: boolean;
  counts: RetentionCounts;
}

export async function lastRun(): Promise<LastRun | null> {
  const doc = await RetentionRunModel.findById(RUN_ID).lean<RetentionRunDoc>();
  if (!doc?.lastStartedAt) return null;
  const c: Partial<RetentionCounts> = doc.lastCounts ?? {};
  return {
    startedAt: doc.lastStartedAt,
    finishedAt: doc.lastFinishedAt ?? null,
    trigger: doc.lastTrigger,
    ok: doc.lastOk,
    counts: { reports: c.reports ?? 0, comments: c.comments ?? 0, sessions: c.sessions ?? 0, exports: c.exports ?? 0, requests: c.requests ?? 0 },
  };
}

/**
 * The schedule: a check every hour (and soon after start) runs the day's retention once per Vietnamese calendar day,
 * in whichever process gets there first. Unref'd, so it never keeps the process (or a test run) alive.
 */
export function startRetentionJob(exportSettings: ExportSettings, everyMs = 60 * 60_000, firstAfterMs = 60_000): () => void {
  const tick = () => void runRetention({ exportSettings, daily: true }).catch((err: unknown) => defaultLogger.error({ err }, 'retention run failed'));
  return repeatEvery(tick, everyMs, firstAfterMs);
}
