import type { Actor } from '../auth/actor.js';
import { scopeRoots } from '../auth/actor.js';
import { UnitModel } from '../units/model.js';
import * as staff from '../staff/service.js';
import * as code from '../code/service.js';

export async function overviewFor(actor: Actor) {
  const unitIds = [...new Set(actor.roles.map((g) => String(g.unitId)))];
  const units = await UnitModel.find({ _id: { $in: unitIds } }).select('name').lean();
  const nameOf = new Map(units.map((u) => [String(u._id), u.name]));
  const roots = scopeRoots(actor, 'admin', 'head');
  return {
    roles: actor.roles.map((g) => ({ role: g.role, unitName: nameOf.get(String(g.unitId)) ?? '' })),
    activeStaff: roots.length ? await staff.countActiveInScope(actor) : null,
    activeUnits: roots.length ? await UnitModel.countDocuments({ path: { $in: roots }, effectiveTo: null }) : null,
    codeVersion: await code.currentVersionFor(actor),
  };
}
