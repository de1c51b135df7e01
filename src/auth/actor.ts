import type { Types } from 'mongoose';
import type { Role } from './model.js';

/** Who is acting: what services receive instead of req.user. */
export interface Actor {
  userId: Types.ObjectId;
  displayName: string;
  staffId: Types.ObjectId | null;
  roles: { role: Role; unitId: Types.ObjectId }[];
  /** The account's session epoch when this actor was read: a session remembers it (passport.ts). */
  sessionEpoch?: number;
  /** True when the account has two-factor login (read with the actor, for the enrolment requirement). */
  twoFactor?: boolean;
  /**
   * Head and administrator grants carried over to the predecessors of the granted units (units merged or closed into
   * them): the successor takes over their records, so its heads read and finish them. Not part of `scopeRoots` (lists
   * of units in scope and new work stay on the units that exist); `coversUnit` honours them.
   */
  inherited?: { role: Role; unitId: Types.ObjectId }[];
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((g) => roles.includes(g.role));
}

/** The units under which this actor holds one of the roles (each grant covers its subtree). */
export function scopeRoots(actor: Actor, ...roles: Role[]): Types.ObjectId[] {
  return actor.roles.filter((g) => roles.includes(g.role)).map((g) => g.unitId);
}

/** True when a unit whose ancestor path is given lies in the actor's scope for one of the roles. */
export function coversUnit(actor: Actor, unitPath: readonly Types.ObjectId[], ...roles: Role[]): boolean {
  const roots = [...scopeRoots(actor, ...roles), ...inheritedRoots(actor, ...roles)].map(String);
  return unitPath.some((id) => roots.includes(String(id)));
}

/** The predecessors of the units under the actor's grants for one of the roles (see `Actor.inherited`). */
export function inheritedRoots(actor: Actor, ...roles: Role[]): Types.ObjectId[] {
  return (actor.inherited ?? []).filter((g) => roles.includes(g.role)).map((g) => g.unitId);
}
