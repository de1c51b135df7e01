import { isId } from '../shared/ids.js';
import { Types } from 'mongoose';
import { coversUnit, hasRole, scopeRoots, type Account, type Actor, type Role } from '../auth/index.js';
import * as accounts from '../auth/index.js';
import { compareUnits, isAliveAt, unitById, unitsByIds, unitsUnder } from '../units/index.js';
import { linkLogin, staffMember } from '../staff/index.js';
import { Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import * as audit from '../audit/index.js';
import { onReorganised } from '../shared/changes.js';

type RoleInput = { role: Role; unitId: string };

function assertAdmin(actor: Actor): void {
  if (!hasRole(actor, 'admin')) throw new Forbidden();
}

/** Every granted unit must be one the administrator manages. */
async function checkedGrants(actor: Actor, roles: RoleInput[]) {
  const units = await unitsByIds(roles.map((r) => r.unitId));
  const pathOf = new Map(units.map((u) => [String(u._id), u.path]));
  return roles.map((r, i) => {
    const path = pathOf.get(r.unitId);
    if (!path || !coversUnit(actor, path, 'admin')) throw new ValidationFailed({ [`roles.${i}`]: 'users.errors.unitOutOfScope' });
    return { role: r.role, unitId: new Types.ObjectId(r.unitId) };
  });
}

/**
 * An administrator manages a login only when every one of its roles lies in their subtree: a commune administrator
 * must not reset the password of a province administrator who also works in that commune. A login without roles
 * belongs to no unit, so only an administrator of a top-level unit (the province) manages it.
 */
async function managesEveryRole(actor: Actor, roles: readonly { unitId: Types.ObjectId }[]): Promise<boolean> {
  if (roles.length === 0) {
    const own = await unitsByIds(scopeRoots(actor, 'admin'));
    return own.some((u) => u.depth === 0);
  }
  const units = await unitsByIds(roles.map((g) => g.unitId));
  return units.length === new Set(roles.map((g) => String(g.unitId))).size && units.every((u) => coversUnit(actor, u.path, 'admin'));
}

async function userInScope(actor: Actor, id: string): Promise<Account> {
  assertAdmin(actor);
  if (!isId(id)) throw new NotFound();
  const user = await accounts.findAccount(id);
  if (!user) throw new NotFound();
  if (!(await managesEveryRole(actor, user.roles))) throw new Forbidden();
  return user;
}

/** Audit entries of a login sit under the unit of its first role, so that unit's administrators see them. */
async function homeUnitPath(user: Pick<Account, 'roles'>): Promise<Types.ObjectId[]> {
  const first = user.roles[0];
  if (!first) return [];
  return (await unitById(first.unitId))?.path ?? [];
}

/**
 * On the day a unit merges into another or closes with a successor, grants on it become grants on the successor (a
 * head of the old commune manages the new one until an administrator says otherwise); audited as the system's.
 */
onReorganised(async ({ endedUnitIds, successorId }) => {
  for (const before of await accounts.accountsWithRoleOn(endedUnitIds)) {
    const roles: { role: Role; unitId: Types.ObjectId }[] = [];
    for (const g of before.roles) {
      const unitId = endedUnitIds.some((id) => id.equals(g.unitId)) ? successorId : g.unitId;
      if (!roles.some((r) => r.role === g.role && r.unitId.equals(unitId))) roles.push({ role: g.role as Role, unitId });
    }
    await accounts.updateAccount(before._id, { displayName: before.displayName, email: before.email ?? '', active: before.active, roles });
    const after = { ...before, roles } as Account;
    await audit.record({ actor: null, objectType: 'user', objectId: before._id, action: 'update', before: publicFields(before), after: publicFields(after), unitPath: await homeUnitPath(after) });
  }
});

const publicFields = (u: Account) => ({ displayName: u.displayName, email: u.email ?? '', active: u.active, roles: u.roles.map((g) => ({ role: g.role, unitId: String(g.unitId) })) });

export async function listUsers(actor: Actor) {
  assertAdmin(actor);
  const unitsInScope = await unitsUnder(scopeRoots(actor, 'admin'));
  const nameOf = new Map(unitsInScope.map((u) => [String(u._id), u.name]));
  const users = await accounts.accountsWithRoleOn(unitsInScope.map((u) => u._id));
  const now = new Date();
  return users.map((u) => ({
    id: String(u._id),
    username: u.username,
    displayName: u.displayName,
    active: u.active,
    locked: Boolean(u.lockedUntil && u.lockedUntil > now),
    lastLoginAt: u.lastLoginAt,
    roles: u.roles.map((g) => ({ role: g.role, unitName: nameOf.get(String(g.unitId)) ?? '' })),
  }));
}

export async function unitChoices(actor: Actor) {
  const units = (await unitsUnder(scopeRoots(actor, 'admin'))).filter((u) => isAliveAt(u)).sort((a, b) => a.depth - b.depth || compareUnits(a, b));
  return units.map((u) => ({ value: String(u._id), label: u.name }));
}

export async function getUser(actor: Actor, id: string) {
  const user = await userInScope(actor, id);
  return { id: String(user._id), username: user.username, ...publicFields(user) };
}

export async function createLogin(actor: Actor, input: { username: string; displayName: string; email: string; password: string; staffId?: string; roles: RoleInput[] }) {
  assertAdmin(actor);
  const roles = await checkedGrants(actor, input.roles);
  if (await accounts.usernameTaken(input.username)) throw new ValidationFailed({ username: 'users.errors.usernameTaken' });
  let staffId: Types.ObjectId | null = null;
  if (input.staffId) {
    const staff = await staffMember(input.staffId);
    if (!staff || !coversUnit(actor, staff.unitPath, 'admin')) throw new ValidationFailed({ staffId: 'users.errors.staffNotFound' });
    if (staff.userId) throw new ValidationFailed({ staffId: 'users.errors.staffHasLogin' });
    staffId = staff._id;
  }
  const created = await accounts.createAccount({ username: input.username, displayName: input.displayName, email: input.email, password: input.password, roles, staffId });
  // Second, idempotent step (no transactions): link the staff record back to its login.
  if (staffId) await linkLogin(staffId, created._id);
  await audit.record({ actor, objectType: 'user', objectId: created._id, action: 'create', after: { username: input.username, ...publicFields(created) }, unitPath: await homeUnitPath(created) });
  return String(created._id);
}

export async function updateLogin(actor: Actor, id: string, input: { displayName: string; email: string; active: boolean; roles: RoleInput[] }) {
  const before = await userInScope(actor, id);
  if (String(before._id) === String(actor.userId) && !input.active) throw new ValidationFailed({ active: 'users.errors.cannotDeactivateSelf' });
  const roles = await checkedGrants(actor, input.roles);
  await accounts.updateAccount(before._id, { displayName: input.displayName, email: input.email, active: input.active, roles });
  const after = (await accounts.findAccount(before._id))!;
  await audit.record({ actor, objectType: 'user', objectId: before._id, action: 'update', before: publicFields(before), after: publicFields(after), unitPath: await homeUnitPath(after) });
}

export async function resetPassword(actor: Actor, id: string, password: string) {
  const user = await userInScope(actor, id);
  await accounts.setPassword(user._id, password, { unlock: true });
  await audit.record({ actor, objectType: 'user', objectId: user._id, action: 'resetPassword', unitPath: await homeUnitPath(user) });
}

export async function unlock(actor: Actor, id: string) {
  const user = await userInScope(actor, id);
  await accounts.clearLockout(user._id);
  await audit.record({ actor, objectType: 'user', objectId: user._id, action: 'unlock', unitPath: await homeUnitPath(user) });
}

export async function changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string) {
  const user = await accounts.findAccount(actor.userId);
  if (!user) throw new NotFound();
  if (!(await accounts.passwordMatches(user._id, currentPassword))) throw new ValidationFailed({ currentPassword: 'users.errors.wrongPassword' });
  await accounts.setPassword(user._id, newPassword, { unlock: false });
  await audit.record({ actor, objectType: 'user', objectId: user._id, action: 'changePassword', unitPath: await homeUnitPath(user) });
}

// ── Two-factor login ──────────────────────────────────────────────────────────────────────────────────────────────
// Audit entries name the account and the action only: never a secret, a code or a recovery code.

/** Completes the actor's own enrolment when the code matches; returns the recovery codes to show once. */
export async function enableOwnTwoFactor(actor: Actor, key: accounts.TwoFactorKey, secret: string, code: string): Promise<string[]> {
  const user = await accounts.findAccount(actor.userId);
  if (!user) throw new NotFound();
  const codes = await accounts.enableTwoFactor(key, user._id, secret, code);
  if (!codes) throw new ValidationFailed({ code: 'twoFactor.errors.wrongCode' });
  await audit.record({ actor, objectType: 'user', objectId: user._id, action: 'enableTwoFactor', unitPath: await homeUnitPath(user) });
  return codes;
}

/** Turns the actor's own two-factor login off, only with a valid code (wrong codes count towards the lockout). */
export async function disableOwnTwoFactor(actor: Actor, key: accounts.TwoFactorKey, code: string, policy: accounts.LockoutPolicy): Promise<void> {
  const user = await accounts.findAccount(actor.userId);
  if (!user) throw new NotFound();
  const check = await accounts.ownCodeMatches(key, user._id, code, policy);
  if (!check.ok) throw new ValidationFailed({ code: check.reason === 'locked' ? 'auth.locked' : 'twoFactor.errors.wrongCode' });
  await accounts.disableTwoFactor(user._id);
  await audit.record({ actor, objectType: 'user', objectId: user._id, action: 'disableTwoFactor', unitPath: await homeUnitPath(user) });
}

/** An administrator removes another login's two-factor setting (lost phone and recovery codes). */
export async function resetTwoFactor(actor: Actor, id: string): Promise<void> {
  const user = await userInScope(actor, id);
  await accounts.disableTwoFactor(user._id);
  await audit.record({ actor, objectType: 'user', objectId: user._id, action: 'resetTwoFactor', unitPath: await homeUnitPath(user) });
}

/** The audit entry of a sign-in with a recovery code (the code itself is not recorded). */
export async function recordRecoveryCodeUsed(actor: Actor): Promise<void> {
  const user = await accounts.findAccount(actor.userId);
  if (!user) return;
  await audit.record({ actor, objectType: 'user', objectId: user._id, action: 'recoveryCodeUsed', unitPath: await homeUnitPath(user) });
}

export async function twoFactorOn(id: string): Promise<boolean> {
  return accounts.hasTwoFactor(id);
}

export async function ownUsername(actor: Actor): Promise<string | null> {
  return (await accounts.findAccount(actor.userId))?.username ?? null;
}
