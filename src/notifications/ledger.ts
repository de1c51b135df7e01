import crypto from 'node:crypto';
import mongoose, { Schema } from 'mongoose';

/**
 * What a scheduled reminder has already sent, so that a restart or a second process does not send it again.
 * Each entry's id is a key the sender composes from ids and dates only (never a person's name or address).
 */
const sentReminderSchema = new Schema({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
const SentReminderModel = mongoose.model('SentReminder', sentReminderSchema, 'sentreminders');

/** A lease per job name, taken by a conditional update on `leaseUntil`: it holds across app processes. */
const jobLeaseSchema = new Schema(
  { _id: { type: String, required: true }, leaseUntil: { type: Date, default: () => new Date(0) }, holder: { type: String, default: '' } },
  { versionKey: false },
);
const JobLeaseModel = mongoose.model('JobLease', jobLeaseSchema, 'jobleases');

const HOLDER = `${process.pid}-${crypto.randomUUID()}`;

/** True the first time a key is claimed, false ever after (a duplicate key on the unique _id). */
export async function claimOnce(key: string, now = new Date()): Promise<boolean> {
  try {
    await SentReminderModel.create({ _id: key, at: now });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

/**
 * Makes the lease's document if there is none, without an error when it exists (inserting it every time made the
 * engine log a duplicate key twice a minute). Two processes starting together may still collide once.
 */
export async function ensureLeaseDocument(model: { updateOne: (filter: { _id: string }, update: { $setOnInsert: { leaseUntil: Date; holder: string } }, options: { upsert: true }) => PromiseLike<unknown> }, id: string): Promise<void> {
  try {
    await model.updateOne({ _id: id }, { $setOnInsert: { leaseUntil: new Date(0), holder: '' } }, { upsert: true });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
  }
}

/** Runs `fn` under the job's lease; null without running it when another process holds the lease. */
export async function withLease<T>(job: string, fn: () => Promise<T>, opts: { now?: Date; leaseMs?: number } = {}): Promise<T | null> {
  const now = opts.now ?? new Date();
  await ensureLeaseDocument(JobLeaseModel, job);
  const taken = await JobLeaseModel.updateOne({ _id: job, leaseUntil: { $lt: now } }, { $set: { leaseUntil: new Date(now.getTime() + (opts.leaseMs ?? 30 * 60_000)), holder: HOLDER } });
  if (taken.modifiedCount !== 1) return null;
  try {
    return await fn();
  } finally {
    await JobLeaseModel.updateOne({ _id: job, holder: HOLDER }, { $set: { leaseUntil: new Date(0), holder: '' } });
  }
}
