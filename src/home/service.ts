import { vietnamYear } from '../shared/dates.js';
import type { Actor } from '../auth/index.js';
import { scopeRoots } from '../auth/index.js';
import { unitsByIds, unitsSnapshot, isAliveAt } from '../units/index.js';
import * as code from '../conduct-code/index.js';
import * as statistics from '../statistics/index.js';

export async function overviewFor(actor: Actor, now = new Date()) {
  const unitIds = [...new Set(actor.roles.map((g) => String(g.unitId)))];
  const nameOf = new Map((await unitsByIds(unitIds)).map((u) => [String(u._id), u.name]));
  const roots = [...new Map(scopeRoots(actor, 'admin', 'head').map((id) => [String(id), id])).values()];
  return {
    roles: actor.roles.map((g) => ({ role: g.role, unitName: nameOf.get(String(g.unitId)) ?? '' })),
    ...(roots.length ? await countsUnder(roots, now) : { activeStaff: null, activeUnits: null }),
    codeVersion: await code.currentVersionFor(actor),
  };
}

/** Staff from the statistics read model, units from the in-memory tree; nested roots are counted once. */
async function countsUnder(roots: Parameters<typeof statistics.figuresUnder>[0]['_id'][], now: Date) {
  const staffByUnit = new Map<string, number>();
  for (const root of roots) {
    for (const u of await statistics.figuresUnder({ _id: root }, vietnamYear(now))) staffByUnit.set(u.unitId, u.figures.activeStaff);
  }
  const activeUnits = (await unitsSnapshot()).under(roots).filter((u) => isAliveAt(u, now)).length;
  return { activeStaff: [...staffByUnit.values()].reduce((a, b) => a + b, 0), activeUnits };
}
