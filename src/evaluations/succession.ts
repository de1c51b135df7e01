import type { Types } from 'mongoose';
import { oneWriterPerDocument } from '../db/one-writer.js';
import { record } from '../audit/index.js';
import { onReorganised } from '../shared/changes.js';
import { unitsSnapshot, type UnitsSnapshot } from '../units/index.js';
import { EvaluationModel, PeriodModel, type Evaluation, type Period } from './model.js';
import type { Source } from './record-model.js';
import { RESULT_SOURCE_FIELDS, announce, markCopied, saveResultRecords } from './results-store.js';
import { recountTally, touchTallies } from './tallies.js';
import { auditView } from './periods.js';
import { reportingUnitOn, unitsById } from './lookups.js';

/**
 * On the day a unit merges into another or closes with a successor, its open work in evaluations is carried on by the
 * successor: a period the ended unit opened (draft or open) is handed to the successor — unless the successor has its
 * own period for the same time, when it stays where it is and the successor's heads finish it as their predecessor's
 * (auth's inherited grants) — and every evaluation of an open period not yet finalised that was made in the ended unit
 * moves with its person to the successor (a sub-unit that moved whole keeps its evaluations, on its new path), so the
 * successor's heads evaluate and finalise it and it counts there. Finalised evaluations and closed periods are history
 * and stay. Audited as the system's. Idempotent: what moved is no longer found on the ended unit.
 */
onReorganised(({ endedUnitIds, successorId }) => carryOnOpenWork(endedUnitIds, successorId));

async function carryOnOpenWork(endedUnitIds: readonly Types.ObjectId[], successorId: Types.ObjectId): Promise<void> {
  const tree = await unitsSnapshot();
  const successor = tree.byId(successorId);
  if (!successor) return;
  const ended = new Set(endedUnitIds.map(String));
  for (const endedId of endedUnitIds) {
    for (const period of await PeriodModel.find({ unitId: endedId }).lean<Period[]>()) {
      if (period.status === 'CLOSED') continue;
      if (await PeriodModel.exists({ unitId: successor._id, periodKey: period.periodKey })) continue;
      const moved = { unitId: successor._id, unitPath: successor.path, unitName: successor.name };
      const res = await oneWriterPerDocument(PeriodModel, period._id, () => PeriodModel.updateOne({ _id: period._id, unitId: endedId }, { $set: moved, $inc: { version: 1 } }));
      if (res.modifiedCount === 0) continue;
      await record({
        actor: null,
        objectType: 'period',
        objectId: period._id,
        action: 'transfer',
        before: { ...auditView(period), unitId: String(endedId) },
        after: { ...auditView(period), unitId: String(successor._id) },
        unitPath: successor.path,
      });
    }
    await moveUnfinishedEvaluations(endedId, ended, tree, successor._id);
  }
}

const openPeriods = new Map<string, boolean>();

async function isOpenPeriod(periodId: Types.ObjectId): Promise<boolean> {
  const key = String(periodId);
  if (!openPeriods.has(key)) openPeriods.set(key, (await PeriodModel.findById(periodId).select('status').lean())?.status !== 'CLOSED');
  return openPeriods.get(key)!;
}

async function moveUnfinishedEvaluations(endedId: Types.ObjectId, ended: ReadonlySet<string>, tree: UnitsSnapshot, successorId: Types.ObjectId): Promise<void> {
  openPeriods.clear();
  // Equalities on single fields: those counted by the ended commune, and those made in the ended unit itself.
  const found = new Map<string, Evaluation>();
  for (const filter of [{ reportingUnitId: endedId, finalised: 0 }, { unitId: endedId, finalised: 0 }]) {
    for (const e of await EvaluationModel.find(filter).select(`${RESULT_SOURCE_FIELDS} status`).lean<Evaluation[]>()) found.set(String(e._id), e);
  }
  const movedSources: Source[] = [];
  const before: Source[] = [];
  for (const e of found.values()) {
    if (!(await isOpenPeriod(e.periodId))) continue;
    const unit = ended.has(String(e.unitId)) ? tree.byId(successorId) : tree.byId(e.unitId);
    if (!unit || unit.path.some((id) => ended.has(String(id)))) continue;
    const path = unit.path;
    const reportingUnitId = reportingUnitOn(path, await unitsById(path));
    const set = { unitId: unit._id, unitPath: path, unitName: unit.name, reportingUnitId, copyPending: 1 };
    const res = await oneWriterPerDocument(EvaluationModel, e._id, () => EvaluationModel.updateOne({ _id: e._id, version: e.version ?? 0 }, { $set: set, $inc: { version: 1 } }));
    if (res.modifiedCount === 0) continue;
    before.push(e as unknown as Source);
    movedSources.push({ ...(e as unknown as Source), ...set, version: (e.version ?? 0) + 1 } as Source);
    await record({
      actor: null,
      objectType: 'evaluation',
      objectId: e._id,
      action: 'transfer',
      before: { unitId: String(e.unitId), reportingUnitId: String(e.reportingUnitId), status: e.status },
      after: { unitId: String(unit._id), reportingUnitId: String(reportingUnitId), status: e.status },
      unitPath: path,
    });
  }
  if (movedSources.length === 0) return;
  await saveResultRecords(movedSources);
  // The tallies the records left are recounted (the records' new tallies were touched by the save).
  for (const [key, token] of await touchTallies(before)) await recountTally(key, token);
  await markCopied(movedSources);
  await announce(before);
}
