import type { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import { onReorganised } from '../shared/changes.js';
import { unitsSnapshot } from '../units/index.js';
import { updateCase } from './case-writes.js';
import { FINAL_STATUSES, IncidentReportModel, type IncidentReport } from './model.js';
import { AUDIT_TYPE } from './service.js';

/**
 * On the day a unit merges into another or closes with a successor, the open cases it handles (or that were escalated
 * to it) move to the successor's handling: its heads get them in their inbox and finish them. The deadlines, the
 * history and the tracking code stay as they are; settled cases keep their handler (the successor's heads read them as
 * its predecessors' records). Audited as the system's. Idempotent: a moved case is no longer found on the ended unit.
 */
onReorganised(({ endedUnitIds, successorId }) => moveOpenCases(endedUnitIds, successorId));

const FIELDS = 'status handlerUnitId handlerUnitPath escalatedToUnitId';

async function moveOpenCases(endedUnitIds: readonly Types.ObjectId[], successorId: Types.ObjectId): Promise<void> {
  const tree = await unitsSnapshot();
  const successor = tree.byId(successorId);
  if (!successor) return;
  const ended = new Set(endedUnitIds.map(String));
  for (const endedId of endedUnitIds) {
    // Equality on the indexed path: the cases handled by the ended unit and by any unit under it.
    const cases = await IncidentReportModel.find({ handlerUnitPath: endedId }).select(FIELDS).lean<IncidentReport[]>();
    for (const c of cases) {
      if (FINAL_STATUSES.includes(c.status)) continue;
      // The ended unit itself hands over to the successor; a sub-unit that moved with it keeps handling, on its new path.
      const handler = ended.has(String(c.handlerUnitId)) ? successor : tree.byId(c.handlerUnitId);
      if (!handler || handler.path.some((id) => ended.has(String(id)))) continue;
      const set: Record<string, unknown> = { handlerUnitId: handler._id, handlerUnitPath: handler.path };
      if (c.escalatedToUnitId && ended.has(String(c.escalatedToUnitId))) set.escalatedToUnitId = successor._id;
      const res = await updateCase({ _id: c._id, handlerUnitId: c.handlerUnitId }, { $set: set, $inc: { version: 1 } });
      if (res.modifiedCount === 0) continue;
      await audit.record({
        actor: null,
        objectType: AUDIT_TYPE,
        objectId: c._id,
        action: 'transfer',
        before: { handlerUnitId: String(c.handlerUnitId), escalatedToUnitId: c.escalatedToUnitId ? String(c.escalatedToUnitId) : null },
        after: { handlerUnitId: String(handler._id), escalatedToUnitId: set.escalatedToUnitId ? String(set.escalatedToUnitId) : c.escalatedToUnitId ? String(c.escalatedToUnitId) : null },
        unitPath: handler.path,
      });
    }
  }
}
