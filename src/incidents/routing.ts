import type { Types } from 'mongoose';
import { grantsOfStaff } from '../auth/index.js';
import { unitsSnapshot, type UnitInfo } from '../units/index.js';

/**
 * Conflict of interest: a case is handled by the reported unit unless the person reported about holds
 * a head or admin grant over it; then it goes up, level by level, to the first unit they do not lead.
 */
export async function handlerFor(reportingUnit: UnitInfo, subjectStaffId: Types.ObjectId | null): Promise<{
  handlerUnit: UnitInfo;
  conflictOfInterest: boolean;
  excludedUserIds: Types.ObjectId[];
}> {
  if (!subjectStaffId) return { handlerUnit: reportingUnit, conflictOfInterest: false, excludedUserIds: [] };
  const accounts = await grantsOfStaff(subjectStaffId);
  const ledUnitIds = new Set(accounts.flatMap((u) => u.roles.filter((g) => g.role === 'head' || g.role === 'admin').map((g) => String(g.unitId))));
  const leads = (u: UnitInfo) => u.path.some((id) => ledUnitIds.has(String(id)));

  const snapshot = await unitsSnapshot();
  let handler = reportingUnit;
  let conflict = false;
  while (leads(handler) && handler.parentId) {
    const parent = snapshot.byId(handler.parentId);
    if (!parent) break;
    handler = parent;
    conflict = true;
  }
  // The subject leads the whole tree: the province handles it, without them.
  if (leads(handler)) conflict = true;
  return { handlerUnit: handler, conflictOfInterest: conflict, excludedUserIds: accounts.map((u) => u._id) };
}
