/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { COMMUNE_KINDS, DESK_KINDS } from './model.js';
export type { Unit, UnitKind } from './model.js';
export { compareUnits, findUnitOr404 } from './service.js';
export { allPredecessorsOf, distinctUnitLabels, isAliveAt, isAliveDuringYear, isCommuneLevel, isDesk, outermostUnits, predecessorsReportedUnder, reportedUnder, unitById, unitsByIds, unitsSnapshot, unitsUnder } from './snapshot.js';
export type { UnitInfo, UnitsSnapshot } from './snapshot.js';
