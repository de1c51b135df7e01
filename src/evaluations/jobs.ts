import { isId } from '../shared/ids.js';
import mongoose, { Schema, Types, type InferSchemaType } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { logger } from '../shared/logger.js';
import { Conflict, Forbidden, NotFound } from '../shared/errors.js';
import { PeriodModel, type Period } from './model.js';
import { auditView, beginOpening, canManagePeriod, closePeriod as closeFilledPeriod, createMissingEvaluations, findPeriodOr404, periodToSync, recordPeriodFilled } from './periods.js';

/**
 * Filling a period with evaluations in the background: opening a period for a whole province creates ~3,000 of them,
 * which takes longer than a page should wait. The page moves the period to OPEN at once and queues a job; the job
 * creates the evaluations in rounds (periods.ts createMissingEvaluations) and writes its progress to its document,
 * which a progress page shows (refreshing itself, no JavaScript needed). One job at a time in this process; a restart
 * loses the queue, and a job not heard of for a while shows as interrupted — "add evaluations for new staff" (the same
 * idempotent step) finishes it.
 */

export const JOB_KINDS = ['open', 'sync'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const jobSchema = new Schema(
  {
    periodId: { type: Schema.Types.ObjectId, ref: 'EvaluationPeriod', required: true },
    kind: { type: String, enum: JOB_KINDS, required: true },
    status: { type: String, enum: JOB_STATUSES, default: 'QUEUED' },
    actorId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    actorName: { type: String, default: '' },
    /** Evaluations to create, created so far, and created in all (when done). */
    total: { type: Number, default: 0 },
    done: { type: Number, default: 0 },
    created: { type: Number, default: 0 },
    errorKey: { type: String, default: '' },
    /** The period as it was before (what the audit entry written at the end compares with). */
    auditBefore: { type: Schema.Types.Mixed, default: null },
    startedAt: { type: Date, default: null },
    heartbeatAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
jobSchema.index({ periodId: 1 });

export type PeriodJob = InferSchemaType<typeof jobSchema> & { _id: Types.ObjectId; createdAt: Date };
export const PeriodJobModel = mongoose.model('EvaluationJob', jobSchema, 'evaluationjobs');

/** What pages show of a job. */
export interface JobView {
  id: string;
  periodId: string;
  kind: JobKind;
  status: JobStatus;
  total: number;
  done: number;
  created: number;
  percent: number;
  errorKey: string;
}

const view = (j: PeriodJob): JobView => ({
  id: String(j._id),
  periodId: String(j.periodId),
  kind: j.kind as JobKind,
  status: j.status as JobStatus,
  total: j.total,
  done: j.done,
  created: j.created,
  percent: j.status === 'DONE' ? 100 : j.total > 0 ? Math.floor((100 * j.done) / j.total) : 0,
  errorKey: j.errorKey,
});

const queue: string[] = [];
const known = new Set<string>();
let active: Promise<void> | null = null;
/** A job not touched for this long, and not in this process's queue, was cut off. */
const STALE_MS = 2 * 60_000;

function enqueue(id: string): void {
  queue.push(id);
  known.add(id);
  active ??= drain().finally(() => (active = null));
}

async function drain(): Promise<void> {
  for (let id = queue.shift(); id; id = queue.shift()) {
    try {
      await runJob(id);
    } finally {
      known.delete(id);
    }
  }
}

/** Resolves once the queue is empty (tests and shutdown wait on it). */
export async function idle(): Promise<void> {
  while (active) await active;
}

async function runJob(id: string): Promise<void> {
  const claimed = await PeriodJobModel.updateOne({ _id: id, status: 'QUEUED' }, { $set: { status: 'RUNNING', startedAt: new Date(), heartbeatAt: new Date() } });
  if (claimed.modifiedCount !== 1) return;
  const job = await PeriodJobModel.findById(id).lean<PeriodJob>();
  if (!job) return;
  try {
    const period = await PeriodModel.findById(job.periodId).lean<Period>();
    if (!period) throw new Error('period gone');
    const created = await createMissingEvaluations(period, async ({ done, total }) => {
      await PeriodJobModel.updateOne({ _id: id }, { $set: { done, total, heartbeatAt: new Date() } });
    });
    const actor = { userId: job.actorId, displayName: job.actorName };
    const before = (job.auditBefore as Record<string, unknown> | null) ?? auditView(period);
    if (job.kind === 'open') await recordPeriodFilled(actor, period, 'open', before);
    else if (created > 0) await recordPeriodFilled(actor, period, 'addStaff', before);
    await PeriodJobModel.updateOne({ _id: id }, { $set: { status: 'DONE', created, finishedAt: new Date(), heartbeatAt: new Date() } });
  } catch (err) {
    logger.error({ err, periodJobId: id }, 'filling an evaluation period failed');
    await PeriodJobModel.updateOne({ _id: id }, { $set: { status: 'FAILED', errorKey: 'evaluations.jobs.failed', finishedAt: new Date() } });
  }
}

async function markIfInterrupted(job: PeriodJob, now = new Date()): Promise<PeriodJob> {
  if (job.status !== 'QUEUED' && job.status !== 'RUNNING') return job;
  if (known.has(String(job._id))) return job;
  const last = (job.heartbeatAt ?? job.createdAt).getTime();
  if (now.getTime() - last < STALE_MS) return job;
  const set = { status: 'FAILED' as const, errorKey: 'evaluations.jobs.interrupted', finishedAt: now };
  await PeriodJobModel.updateOne({ _id: job._id, status: job.status }, { $set: set });
  return { ...job, ...set };
}

const pending = (j: Pick<PeriodJob, 'status'>) => j.status === 'QUEUED' || j.status === 'RUNNING';

/** The job still filling this period, if any (a period has a handful of jobs: one equality query). */
export async function activeJobFor(periodId: Types.ObjectId): Promise<JobView | null> {
  const jobs = await PeriodJobModel.find({ periodId }).lean<PeriodJob[]>();
  for (const j of jobs.filter(pending)) {
    const checked = await markIfInterrupted(j);
    if (pending(checked)) return view(checked);
  }
  return null;
}

async function queueJob(kind: JobKind, period: Period, actor: Actor, before: Period = period): Promise<JobView> {
  const doc = await PeriodJobModel.create({ periodId: period._id, kind, actorId: actor.userId, actorName: actor.displayName, auditBefore: auditView(before), heartbeatAt: new Date() });
  enqueue(String(doc._id));
  return view(doc.toObject() as PeriodJob);
}

/** Opens the period now and creates its evaluations in the background; the job's page shows the progress. */
export async function startOpening(actor: Actor, periodId: string, now = new Date()): Promise<JobView> {
  const { before, opened } = await beginOpening(actor, periodId, now);
  return queueJob('open', opened, actor, before);
}

/** "Add evaluations for new staff" in the background (or the job already doing it for this period). */
export async function startSync(actor: Actor, periodId: string): Promise<JobView> {
  const period = await periodToSync(actor, periodId);
  return (await activeJobFor(period._id)) ?? queueJob('sync', period, actor);
}

/** A job of a period, for those who manage the period. */
export async function periodJob(actor: Actor, periodId: string, jobId: string): Promise<{ period: Period; job: JobView }> {
  const period = await findPeriodOr404(periodId);
  if (!canManagePeriod(actor, period)) throw new Forbidden();
  if (!isId(jobId)) throw new NotFound();
  const job = await PeriodJobModel.findById(jobId).lean<PeriodJob>();
  if (!job || !job.periodId.equals(period._id)) throw new NotFound();
  return { period, job: view(await markIfInterrupted(job)) };
}

/** Closes a period, unless its evaluations are still being created (it would close half filled). */
export async function closePeriod(actor: Actor, periodId: string, now = new Date()): Promise<Period> {
  const period = await findPeriodOr404(periodId);
  if (canManagePeriod(actor, period) && (await activeJobFor(period._id))) throw new Conflict('evaluations.errors.stillFilling');
  return closeFilledPeriod(actor, periodId, now);
}
