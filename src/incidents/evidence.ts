import mongoose, { Types } from 'mongoose';
import type { Readable } from 'node:stream';
import { NotFound } from '../shared/errors.js';
import { idOrNull } from '../shared/ids.js';
import { updateCase } from './case-writes.js';
import { EVIDENCE_LIMITS, EXTENSION_OF, evidenceRefused, type CleanEvidence, type EvidenceType } from './evidence-cleaning.js';
import { EvidenceFileModel, EvidencePendingModel, IncidentReportModel, type IncidentReport } from './model.js';

/**
 * Where evidence files live: GridFS in the app's own database (bucket 'evidence': collections evidence.files and
 * evidence.chunks, 255 KiB chunks), so they are backed up, moved and deleted with the cases, never lie in a folder a
 * web server could serve, and work the same on MongoDB and on FerretDB v1.24.2 (both backends; tested). The case
 * lists its files (`evidence`); the bucket's own record of each file carries the case id (`metadata.reportId`), so
 * that deleting a case's files finds them all, a file written by a request that failed before its case was included.
 */

const BUCKET = 'evidence';
const bucket = () => new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: BUCKET });

export type EvidenceSource = 'REPORT' | 'MESSAGE';
export interface EvidenceEntry {
  _id: Types.ObjectId;
  n: number;
  type: EvidenceType;
  size: number;
  at: Date;
  source: EvidenceSource;
}

/** A case may hold so many files, all intakes together. */
export function assertRoomFor(report: Pick<IncidentReport, 'evidence'> | null, count: number): void {
  if (count > 0 && (report?.evidence?.length ?? 0) + count > EVIDENCE_LIMITS.filesPerCase) throw evidenceRefused('caseFull');
}

/**
 * Writes cleaned files into the bucket for a case (which may not be written yet) and returns the entries the case
 * lists. When one write fails, the ones already written are removed again.
 */
export async function storeEvidence(reportId: Types.ObjectId, files: readonly CleanEvidence[], source: EvidenceSource, firstNumber: number, now: Date): Promise<EvidenceEntry[]> {
  if (!files.length) return [];
  const planned = files.map((file, i): EvidenceEntry => ({ _id: new Types.ObjectId(), n: firstNumber + i, type: file.type, size: file.bytes.length, at: now, source }));
  // Before any byte: what a crash leaves behind is then known (see sweepUnkeptEvidence).
  await EvidencePendingModel.insertMany(planned.map((e) => ({ _id: e._id, reportId, at: new Date() })));
  const entries: EvidenceEntry[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const entry = planned[i]!;
      await new Promise<void>((resolve, reject) => {
        const upload = bucket().openUploadStreamWithId(entry._id, `${entry.n}.${EXTENSION_OF[file.type]}`, { metadata: { reportId, type: file.type } });
        upload.once('finish', () => resolve()).once('error', reject);
        upload.end(file.bytes);
      });
      entries.push(entry);
    }
  } catch (err) {
    // The one cut short too: its chunks may be there without its file record.
    await removeFiles(planned.map((e) => e._id));
    await evidenceKept(planned);
    throw err;
  }
  return entries;
}

/** The case now lists these files: they are no longer pending. */
export async function evidenceKept(entries: readonly Pick<EvidenceEntry, '_id'>[]): Promise<void> {
  if (entries.length) await EvidencePendingModel.deleteMany({ _id: { $in: entries.map((e) => e._id) } });
}

/** A day: longer than any upload and case write take, so the sweep never takes a file from a request still running. */
export const PENDING_GRACE_MS = 24 * 60 * 60_000;

/**
 * Removes the bytes of files stored for a case that never came to list them — the process stopped between the upload
 * and the case's write, or in the middle of an upload (chunks without a file record) — once they are older than the
 * grace time. Returns how many files were removed.
 */
export async function sweepUnkeptEvidence(now = new Date(), graceMs = PENDING_GRACE_MS): Promise<number> {
  const stale = await EvidencePendingModel.find({ at: { $lt: new Date(now.getTime() - graceMs) } }).lean();
  let removed = 0;
  for (const p of stale) {
    const report = await IncidentReportModel.findById(p.reportId).select('evidence').lean<Pick<IncidentReport, 'evidence'>>();
    const listed = (report?.evidence ?? []).some((e) => e._id.equals(p._id));
    if (!listed) {
      await removeFiles([p._id]);
      removed++;
    }
    await EvidencePendingModel.deleteOne({ _id: p._id });
  }
  return removed;
}

/** Runs the sweep now and then every `everyMs`; several processes may run it (removing twice is harmless). */
export function startEvidenceSweep(log: (removed: number) => void, fail: (err: unknown) => void, everyMs = 60 * 60_000): () => void {
  const run = () => void sweepUnkeptEvidence().then((n) => n > 0 && log(n), fail);
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function removeFiles(ids: readonly Types.ObjectId[]): Promise<number> {
  let removed = 0;
  for (const id of ids) {
    try {
      // Removes the chunks too, even when the file's record is missing (a write cut short).
      await bucket().delete(id);
      removed++;
    } catch (err) {
      if (!(err instanceof mongoose.mongo.MongoRuntimeError)) throw err; // 'File not found': nothing left to remove
    }
  }
  return removed;
}

/**
 * Deletes every evidence file of a case and empties its list (for deleting a case, e.g. when its retention time is
 * over; the caller records that in the audit log). Returns how many files were removed.
 */
export async function deleteEvidenceOfCase(caseId: Types.ObjectId | string): Promise<number> {
  const reportId = idOrNull(String(caseId));
  if (!reportId) return 0;
  const files = await EvidenceFileModel.find({ 'metadata.reportId': reportId }).select('_id').lean();
  const report = await IncidentReportModel.findById(reportId).select('evidence').lean<Pick<IncidentReport, 'evidence'>>();
  const ids = new Map<string, Types.ObjectId>();
  for (const id of [...files.map((f) => f._id), ...(report?.evidence ?? []).map((e) => e._id)]) ids.set(String(id), id);
  const removed = await removeFiles([...ids.values()]);
  if (report?.evidence?.length) await updateCase({ _id: reportId }, { $set: { evidence: [] }, $inc: { version: 1 } });
  return removed;
}

/** How a file is shown and downloaded: "<case number>-<n>.<ext>". */
export const evidenceFileName = (report: Pick<IncidentReport, 'caseNumber'>, entry: Pick<EvidenceEntry, 'n' | 'type'>) => `${report.caseNumber}-${entry.n}.${EXTENSION_OF[entry.type]}`;

/** One file the case lists (404 when it lists none by that id), and how to read its bytes. */
export function evidenceOf(report: Pick<IncidentReport, 'caseNumber' | 'evidence'>, fileId: string): { entry: EvidenceEntry; fileName: string; open: () => Readable } {
  const id = idOrNull(fileId);
  const entry = id ? (report.evidence ?? []).find((e) => e._id.equals(id)) : undefined;
  if (!entry) throw new NotFound();
  const found = entry as EvidenceEntry;
  return { entry: found, fileName: evidenceFileName(report, found), open: () => bucket().openDownloadStream(found._id) };
}
