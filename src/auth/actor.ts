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
  const roots = scopeRoots(actor, ...roles).map(String);
  return unitPath.some((id) => roots.includes(String(id)));
}
