import { oneWriterPerDocument } from '../db/one-writer.js';
import { Types } from 'mongoose';
import { recordsChanged } from '../shared/changes.js';
import { COPIES_READY, COPIES_RECORDS, EvaluationModel, PeriodModel, type Period } from './model.js';
import { EvaluationResultModel, RECORD_SHAPE, RESULT_SOURCE_FIELDS, resultRecordOf, type EvaluationResult, type Source } from './record-model.js';
import { countRecords, PeriodTallyModel, rebuildPeriodTallies, recountTally, tallyKey, touchTallies, withChange, type PeriodTally } from './tallies.js';

/**
 * The compact copies of evaluations: result records (record-model.ts) and the period tallies counted from them
 * (tallies.ts). Written after the evaluation itself (no transaction), each write idempotent: a repeated or late write
 * is harmless, a stale copy is recognisable by its `version`, and an evaluation whose copies may be behind carries
 * `copyPending: 1` until they are written, so a repair finds it without reading every evaluation.
 */

export { EvaluationResultModel, RESULT_SOURCE_FIELDS, resultRecordOf, scoresOf, type EvaluationResult } from './record-model.js';

const SLICE = 500;
/** Evaluations read per repair round: records are then read once per period key for up to this many. */
const REPAIR_BATCH = 5000;

/** Tells read models (statistics) which units and years these evaluations count in. */
export async function announce(evaluations: readonly Pick<Source, 'unitPath' | 'year'>[]): Promise<void> {
  const seen = new Map<string, Pick<Source, 'unitPath' | 'year'>>();
  for (const e of evaluations) seen.set(`${e.unitPath.map(String).join('/')}:${e.year}`, e);
  for (const e of seen.values()) await recordsChanged(e.unitPath, e.year);
}

const duplicatesOnly = (err: unknown) => {
  const writeErrors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors ?? [err as { code?: number }];
  return writeErrors.every((e) => (e.code ?? (e as { err?: { code?: number } }).err?.code) === 11000);
};

/**
 * One evaluation's record, written after each save, and its tally brought up to date at once. The record is replaced
 * only by a newer version (two saves of one evaluation may finish in either order). The tally is changed in place
 * (what the old record counted off, the new one on) when it was fresh and nobody touched it meanwhile — the token
 * compared on write — else recounted from its records: a few `_id` look-ups per save instead of reading the commune.
 */
export async function saveResultRecord(evaluation: Source): Promise<void> {
  // The statistics hear of the change beside the record and tally writes (neither waits for the other).
  await Promise.all([saveRecordAndTally(evaluation), announce([evaluation])]);
}

async function saveRecordAndTally(evaluation: Source): Promise<void> {
  const record = resultRecordOf(evaluation);
  const key = record.periodId ? tallyKey(record.periodId, record.reportingUnitId) : null;
  // The tally is read before the old record: a change landing in between then shows as a new token.
  const tally = key ? await PeriodTallyModel.findById(key).lean<PeriodTally>() : null;
  const before = await EvaluationResultModel.findById(record._id).lean<EvaluationResult>();
  if (before && (before.version ?? 0) > (record.version ?? 0)) return; // a later save got here first
  try {
    await EvaluationResultModel.replaceOne({ _id: record._id, version: { $lte: record.version } }, record, { upsert: true });
  } catch (err) {
    if (duplicatesOnly(err)) return; // a newer version was written meanwhile: it brings the tally along
    throw err;
  }
  if (key) {
    const sameUnit = before && before.periodId && before.reportingUnitId.equals(record.reportingUnitId) && (before.shape ?? 0) >= RECORD_SHAPE;
    let updated = false;
    if (tally && tally.computedToken === tally.token && (sameUnit || !before)) {
      const token = new Types.ObjectId().toHexString();
      const figures = withChange(tally, before && sameUnit ? before : null, record);
      const res = await PeriodTallyModel.updateOne({ _id: key, token: tally.token }, { $set: { ...figures, token, computedToken: token, computedAt: new Date() } });
      updated = res.matchedCount === 1;
    }
    if (!updated) for (const [k, token] of await touchTallies(before && !sameUnit ? [before, record] : [record])) await recountTally(k, token);
  }
}

/**
 * A record's content apart from the version it was made from. A save that leaves it unchanged (a draft saved again)
 * does not rewrite the record: `version` is then the version of the evaluation the copy was last written from, and a
 * copy is current when its content is what its evaluation gives (`isCurrentCopy`), whatever the version.
 */
export function copyContent(r: Partial<EvaluationResult>): string {
  return JSON.stringify([
    String(r.periodId ?? ''),
    String(r.staffId ?? ''),
    r.staffName ?? '',
    r.sortKey ?? '',
    r.position ?? '',
    String(r.unitId ?? ''),
    r.unitName ?? '',
    (r.unitPath ?? []).map(String),
    String(r.reportingUnitId ?? ''),
    r.year ?? 0,
    r.periodKey ?? '',
    r.selfSubmitted ?? 0,
    r.evaluated ?? 0,
    r.finalised ?? 0,
    r.criteria ?? '',
    r.scores ?? '',
    r.disagreement ?? '',
    r.shape ?? 0,
  ]);
}

/** The record holds what the evaluation gives (of the current shape). */
export function isCurrentCopy(record: Partial<EvaluationResult> | null | undefined, evaluation: Source): boolean {
  return !!record && (record.shape ?? 0) >= RECORD_SHAPE && copyContent(record) === copyContent(resultRecordOf(evaluation));
}

/** What the statistics count of a record (statistics/sources.ts): its person, period and unit, and the head's scores once final. */
const countedByStatistics = (r: EvaluationResult) =>
  JSON.stringify([String(r.staffId), r.periodKey, r.year, String(r.reportingUnitId), r.unitPath.map(String), r.finalised, r.finalised ? r.criteria : '', r.finalised ? r.scores : '']);
/** What its tally counts of a record (tallies.ts countRecords). */
const countedByTally = (r: EvaluationResult) => JSON.stringify([String(r.periodId), String(r.reportingUnitId), countRecords([r])]);

/**
 * The copies after a save whose evaluation was read with its copies written (no `copyPending`, its period's copies
 * READY): `before` — the evaluation as read — is then what its record and its tally count, so the record is not read.
 * The record is replaced (only by a newer version); the tally is read and changed in place only when what it counts
 * changes (a status change, a finalised score), and the statistics hear of the change only when what they count
 * changes (finalising, an amendment): a draft saved again writes the record alone.
 */
export async function saveResultRecordAfter(before: Source, after: Source): Promise<void> {
  const old = resultRecordOf(before);
  const record = resultRecordOf(after);
  const samePlace = !!old.periodId && !!record.periodId && old.periodId.equals(record.periodId) && old.reportingUnitId.equals(record.reportingUnitId);
  if (!samePlace) return saveResultRecord(after);
  const writes: Promise<void>[] = [];
  if (countedByStatistics(old) !== countedByStatistics(record)) writes.push(announce([after]));
  writes.push(
    (async () => {
      const key = tallyKey(record.periodId!, record.reportingUnitId);
      const tallyChanges = countedByTally(old) !== countedByTally(record);
      // Read before the record is written, as saveRecordAndTally does: a change landing in between shows as a new token.
      const tally = tallyChanges ? await PeriodTallyModel.findById(key).lean<PeriodTally>() : null;
      try {
        await EvaluationResultModel.replaceOne({ _id: record._id, version: { $lte: record.version } }, record, { upsert: true });
      } catch (err) {
        if (duplicatesOnly(err)) return; // a newer version was written meanwhile: it brings the tally along
        throw err;
      }
      if (!tallyChanges) return;
      let updated = false;
      if (tally && tally.computedToken === tally.token) {
        const token = new Types.ObjectId().toHexString();
        const res = await PeriodTallyModel.updateOne({ _id: key, token: tally.token }, { $set: { ...withChange(tally, old, record), token, computedToken: token, computedAt: new Date() } });
        updated = res.matchedCount === 1;
      }
      if (!updated) for (const [k, token] of await touchTallies([record])) await recountTally(k, token);
    })(),
  );
  await Promise.all(writes);
}

/**
 * Records of evaluations just inserted (a period opening): no record can exist yet, so nothing is deleted. The caller
 * marks their tallies stale before and recounts them after (touchTallies, recountTally), and announces the change.
 */
export async function insertResultRecords(evaluations: readonly Source[]): Promise<void> {
  for (let i = 0; i < evaluations.length; i += SLICE) {
    try {
      await EvaluationResultModel.collection.insertMany(evaluations.slice(i, i + SLICE).map(resultRecordOf), { ordered: false });
    } catch (err) {
      if (!duplicatesOnly(err)) throw err;
    }
  }
}

/**
 * Writes (or rewrites) the records of these evaluations; idempotent. Many at once are replaced by a delete and an
 * insert per slice: FerretDB v1 was seen never to answer a bulkWrite of a few hundred replaceOne upserts, ordered or
 * not. The delete is narrowed by period key (an equality FerretDB pushes down): `_id: {$in}` alone reads every record.
 */
export async function saveResultRecords(evaluations: readonly Source[]): Promise<void> {
  for (const group of byPeriodKey(evaluations)) {
    for (let i = 0; i < group.length; i += SLICE) {
      const records = group.slice(i, i + SLICE).map(resultRecordOf);
      await EvaluationResultModel.deleteMany({ periodKey: records[0]!.periodKey, _id: { $in: records.map((r) => r._id) } });
      try {
        await EvaluationResultModel.insertMany(records, { ordered: false });
      } catch (err) {
        // A concurrent save wrote some of them first; repairResultRecords brings any stale one up to date.
        if (!duplicatesOnly(err)) throw err;
      }
      await touchTallies(records);
    }
  }
  await announce(evaluations);
}

function byPeriodKey<T extends { periodKey: string }>(list: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const e of list) groups.set(e.periodKey, [...(groups.get(e.periodKey) ?? []), e]);
  return [...groups.values()];
}

/**
 * Rewrites the records that are missing, not what their evaluation gives (isCurrentCopy) or of an older shape, for the evaluations given
 * (read with RESULT_SOURCE_FIELDS). A few are looked up by `_id`; many by period key, which FerretDB pushes down.
 */
export async function repairResultRecords(evaluations: readonly Source[]): Promise<number> {
  if (evaluations.length === 0) return 0;
  // Whole records (compact): a copy is current when its content is what the evaluation gives (copyContent).
  const have = new Map<string, EvaluationResult>();
  if (evaluations.length <= 20) {
    for (const e of evaluations) {
      const r = await EvaluationResultModel.findById(e._id).lean<EvaluationResult>();
      if (r) have.set(String(r._id), r);
    }
  } else {
    for (const group of byPeriodKey(evaluations)) {
      const wanted = new Set(group.map((e) => String(e._id)));
      for (const r of await EvaluationResultModel.find({ periodKey: group[0]!.periodKey }).lean<EvaluationResult[]>()) {
        if (wanted.has(String(r._id))) have.set(String(r._id), r);
      }
    }
  }
  const stale = evaluations.filter((e) => !isCurrentCopy(have.get(String(e._id)), e));
  await saveResultRecords(stale);
  return stale.length;
}

/** Clears the "copies may be behind" mark of evaluations whose copies were just written (unless saved again since). */
export async function markCopied(evaluations: readonly Pick<Source, '_id' | 'version'>[]): Promise<void> {
  for (const e of evaluations) {
    await oneWriterPerDocument(EvaluationModel, e._id, () => EvaluationModel.updateOne({ _id: e._id, version: e.version ?? 0, copyPending: 1 }, { $set: { copyPending: 0 } }));
  }
}

// ── Repairs ──────────────────────────────────────────────────────────────────────────────────────

const ensuring = new Map<string, Promise<void>>();

function once(key: string, work: () => Promise<void>): Promise<void> {
  let running = ensuring.get(key);
  if (!running) {
    running = work().finally(() => ensuring.delete(key));
    ensuring.set(key, running);
  }
  return running;
}

type PeriodState = Pick<Period, '_id'> & { copies?: number | null };

/**
 * Makes a period's result records usable by the pages: when the period predates their current shape, they are
 * rewritten from its evaluations (one read of them, once). Cheap when done.
 */
export function ensurePeriodRecords(period: PeriodState): Promise<void> {
  if ((period.copies ?? 0) >= COPIES_RECORDS) return Promise.resolve();
  return once(`records:${String(period._id)}`, async () => {
    await repairResultRecordsWhere({ periodId: period._id });
    await PeriodModel.updateOne({ _id: period._id, copies: { $ne: COPIES_READY } }, { $set: { copies: COPIES_RECORDS } });
  });
}

/**
 * Makes a period's tallies complete (and its records usable): counted from the records when never built (a period
 * written before they existed, or straight into the collections). Cheap when done.
 */
export function ensurePeriodCopies(period: PeriodState): Promise<void> {
  if ((period.copies ?? 0) >= COPIES_READY) return Promise.resolve();
  return once(`tallies:${String(period._id)}`, async () => {
    await ensurePeriodRecords(period);
    await rebuildPeriodTallies(period._id);
    await PeriodModel.updateOne({ _id: period._id }, { $set: { copies: COPIES_READY } });
  });
}

/**
 * Repairs the records of the evaluations matching the filter (one read of those evaluations, streamed). With no
 * filter (at start-up) it repairs only what can be behind: periods whose copies were never built, and evaluations
 * marked `copyPending` (a save interrupted between its writes) — not every evaluation of every year.
 */
export async function repairResultRecordsWhere(filter: Record<string, unknown>): Promise<number> {
  if (Object.keys(filter).length === 0) return repairAllCopies();
  let repaired = 0;
  let batch: Source[] = [];
  const cursor = EvaluationModel.find(filter).select(RESULT_SOURCE_FIELDS).lean<Source[]>().cursor({ batchSize: SLICE });
  for await (const e of cursor) {
    batch.push(e as Source);
    if (batch.length >= REPAIR_BATCH) {
      repaired += await repairResultRecords(batch);
      batch = [];
    }
  }
  repaired += await repairResultRecords(batch);
  return repaired;
}

async function repairAllCopies(): Promise<number> {
  let repaired = 0;
  // Periods whose records predate their shape (an upgrade): rewritten once. Tallies are counted when first read.
  const periods = await PeriodModel.find({}).select('copies').lean<{ _id: Types.ObjectId; copies?: number }[]>();
  for (const p of periods) {
    if ((p.copies ?? 0) >= COPIES_RECORDS) continue;
    await ensurePeriodRecords(p);
    repaired++;
  }
  const pending = await EvaluationModel.find({ copyPending: 1 }).select(RESULT_SOURCE_FIELDS).lean<Source[]>();
  repaired += await repairResultRecords(pending);
  // Records rewritten (or found right): touch their tallies anyway, in case the interruption fell before the recount.
  for (const [key, token] of await touchTallies(pending)) await recountTally(key, token);
  await markCopied(pending);
  return repaired;
}

/**
 * Brings every period's copies to READY now (records and tallies) instead of on first read: for scripts that write
 * evaluations straight into the collections (the benchmark's generator) and want pages measured in steady state.
 */
export async function buildAllPeriodCopies(): Promise<number> {
  const periods = await PeriodModel.find({}).select('copies').lean<{ _id: Types.ObjectId; copies?: number }[]>();
  const todo = periods.filter((p) => (p.copies ?? 0) < COPIES_READY);
  for (const p of todo) await ensurePeriodCopies(p);
  return todo.length;
}
