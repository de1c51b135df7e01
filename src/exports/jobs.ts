import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { logger } from '../shared/logger.js';
import { unitById } from '../units/index.js';
import { buildWorkbook } from './build.js';
import { ExportJobModel, type ExportJob } from './model.js';
import type { ExportSettings } from './settings.js';

/**
 * The in-process runner: one export at a time (each is CPU- and memory-bound; in turn they stay within
 * bounds), progress and a heartbeat written to the job as it goes, the file written under a temporary
 * name and renamed when complete. A restart loses the queue; such jobs show as interrupted.
 */

const queue: string[] = [];
const known = new Set<string>();
/** Jobs this process gave up on while the database was away: shown as interrupted at once, not after STALE_MS. */
const givenUp = new Set<string>();
let active: Promise<void> | null = null;
/** A job not touched for this long, and not in this process's queue, was cut off. */
const STALE_MS = 2 * 60_000;
const PROGRESS_EVERY_MS = 1000;

export function enqueue(id: string, settings: ExportSettings): void {
  queue.push(id);
  known.add(id);
  active ??= drain(settings).finally(() => (active = null));
}

async function drain(settings: ExportSettings): Promise<void> {
  for (let id = queue.shift(); id; id = queue.shift()) {
    try {
      await runJob(id, settings);
    } catch (err) {
      // The database went away mid-job (even the failure could not be recorded): the job is marked interrupted when
      // its heartbeat goes stale; the process and the next jobs carry on.
      logger.error({ err, exportJobId: id }, 'export job could not be finished');
      givenUp.add(id);
    } finally {
      known.delete(id);
    }
  }
}

/** Resolves once the queue is empty (tests and shutdown wait on it). */
export async function idle(): Promise<void> {
  while (active) await active;
}

export async function runJob(id: string, settings: ExportSettings): Promise<void> {
  const claimed = await ExportJobModel.updateOne({ _id: id, status: 'QUEUED' }, { $set: { status: 'RUNNING', startedAt: new Date(), heartbeatAt: new Date(), progress: 0 } });
  if (claimed.modifiedCount !== 1) return;
  const job = await ExportJobModel.findById(id).lean<ExportJob>();
  if (!job) return;
  const finalPath = path.join(settings.dir, `${id}.xlsx`);
  const partPath = `${finalPath}.part`;
  let lastWrite = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const onProgress = (percent: number) => {
    const now = Date.now();
    if (now - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = now;
    pending = ExportJobModel.updateOne({ _id: id }, { $set: { progress: percent, heartbeatAt: new Date() } }).catch(() => {});
  };
  let out: fs.WriteStream | null = null;
  try {
    await privateFolder(settings.dir);
    const unit = await unitById(job.unitId);
    if (!unit) throw new Error('unit gone');
    // Workbooks hold personal data: readable by this account only.
    out = fs.createWriteStream(partPath, { mode: 0o600 });
    const done = finished(out);
    done.catch(() => {});
    await buildWorkbook(job.kind, unit, job.year, out, { lang: job.lang === 'en' ? 'en' : 'vi', viewerUserId: job.requestedBy, settings, audience: job.audience, onProgress });
    await done;
    await fs.promises.rename(partPath, finalPath);
    await pending;
    const { size } = await fs.promises.stat(finalPath);
    await ExportJobModel.updateOne({ _id: id }, { $set: { status: 'DONE', progress: 100, filePath: finalPath, fileSize: size, finishedAt: new Date(), heartbeatAt: new Date() } });
  } catch (err) {
    logger.error({ err, exportJobId: id }, 'export failed');
    out?.destroy();
    await fs.promises.rm(partPath, { force: true });
    await pending;
    await ExportJobModel.updateOne({ _id: id }, { $set: { status: 'FAILED', errorKey: 'exports.errors.internal', finishedAt: new Date() } });
  }
}

/**
 * The export folder, for this account only (made so if it was not). Only the folder itself: its parents (./data holds
 * the embedded database, which another system user must be able to enter) keep the usual mode.
 */
async function privateFolder(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  await fs.promises.chmod(dir, 0o700);
}

export async function markIfInterrupted(job: ExportJob, now = new Date()): Promise<ExportJob> {
  if (job.status !== 'QUEUED' && job.status !== 'RUNNING') return job;
  const id = String(job._id);
  if (known.has(id)) return job;
  const last = (job.heartbeatAt ?? job.createdAt).getTime();
  if (!givenUp.has(id) && now.getTime() - last < STALE_MS) return job;
  const set = { status: 'FAILED' as const, errorKey: 'exports.errors.interrupted', finishedAt: now };
  await ExportJobModel.updateOne({ _id: job._id, status: job.status }, { $set: set });
  givenUp.delete(id);
  return { ...job, ...set };
}

export async function fileExists(p: string): Promise<boolean> {
  try {
    await fs.promises.access(p, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Deletes jobs (and their files) older than the retention period. */
export async function removeExpired(settings: ExportSettings, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - settings.retentionHours * 3600_000);
  const old = await ExportJobModel.find({ createdAt: { $lt: before } }).select('filePath').lean();
  for (const j of old) if (j.filePath) await fs.promises.rm(j.filePath, { force: true });
  const { deletedCount } = await ExportJobModel.deleteMany({ _id: { $in: old.map((j) => j._id) } });
  return deletedCount;
}

let cleanupTimer: NodeJS.Timeout | null = null;

/** Hourly clean-up; unref'd so it never keeps the process (or a test run) alive. */
export function startCleanup(settings: ExportSettings): void {
  if (cleanupTimer) return;
  cleanupTimer = setInterval(() => void removeExpired(settings).catch((err) => logger.warn({ err }, 'export clean-up failed')), 3600_000);
  cleanupTimer.unref();
}
