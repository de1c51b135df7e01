import type { Types } from 'mongoose';
import { hashPassword, verifyPassword } from './passwords.js';
import { UserModel, type Role, type User } from './model.js';

/** What other features read and change of login accounts; the password hash and two-factor secrets never leave auth. */

export type Account = Omit<User, 'passwordHash' | 'totpSecret' | 'recoveryCodes'>;
type Id = Types.ObjectId | string;
const WITHOUT_HASH = '-passwordHash -totpSecret -recoveryCodes';

export async function findAccount(id: Id): Promise<Account | null> {
  return UserModel.findById(id).select(WITHOUT_HASH).lean<Account>();
}

export async function usernameTaken(username: string): Promise<boolean> {
  return (await UserModel.exists({ username })) != null;
}

export async function accountByUsername(username: string): Promise<Account | null> {
  return UserModel.findOne({ username }).select(WITHOUT_HASH).lean<Account>();
}

/** Accounts holding a role on any of these units (not under them), active ones only unless asked. */
export async function accountsWithRoleOn(unitIds: readonly Types.ObjectId[], opts: { activeOnly?: boolean } = {}): Promise<Account[]> {
  const filter: Record<string, unknown> = { 'roles.unitId': unitIds.length === 1 ? unitIds[0] : { $in: unitIds } };
  if (opts.activeOnly) filter.active = true;
  return UserModel.find(filter).select(WITHOUT_HASH).sort({ username: 1 }).lean<Account[]>();
}

/** The accounts of staff members (a person may have more than one). */
export async function accountsOfStaff(staffIds: Types.ObjectId | readonly Types.ObjectId[], opts: { activeOnly?: boolean } = {}): Promise<Account[]> {
  const ids = Array.isArray(staffIds) ? staffIds : [staffIds as Types.ObjectId];
  const filter: Record<string, unknown> = { staffId: ids.length === 1 ? ids[0] : { $in: ids } };
  if (opts.activeOnly) filter.active = true;
  return UserModel.find(filter).select(WITHOUT_HASH).lean<Account[]>();
}

export async function createAccount(input: { username: string; displayName: string; email: string; password: string; roles: { role: Role; unitId: Types.ObjectId }[]; staffId: Types.ObjectId | null }): Promise<Account> {
  const { password, ...fields } = input;
  const created = await UserModel.create({ ...fields, passwordHash: await hashPassword(password) });
  const { passwordHash: _hash, totpSecret: _secret, recoveryCodes: _codes, ...account } = created.toObject() as User;
  return account;
}

export async function updateAccount(id: Types.ObjectId, fields: { displayName: string; email: string; active: boolean; roles: { role: Role; unitId: Types.ObjectId }[] }): Promise<void> {
  await UserModel.updateOne({ _id: id }, { $set: fields });
}

/** Sets a new password and ends the account's sessions; `unlock` also clears failed attempts and a lockout (an administrator's reset). */
export async function setPassword(id: Types.ObjectId, password: string, opts: { unlock: boolean }): Promise<void> {
  const set: Record<string, unknown> = { passwordHash: await hashPassword(password) };
  if (opts.unlock) Object.assign(set, { failedLogins: 0, lockedUntil: null });
  // Every session signed in with the old password ends (passport.ts compares the epoch).
  await UserModel.updateOne({ _id: id }, { $set: set, $inc: { sessionEpoch: 1 } });
}

export async function passwordMatches(id: Types.ObjectId, password: string): Promise<boolean> {
  const user = await UserModel.findById(id).select('passwordHash').lean();
  return user != null && (await verifyPassword(user.passwordHash, password));
}

export async function clearLockout(id: Types.ObjectId): Promise<void> {
  await UserModel.updateOne({ _id: id }, { $set: { failedLogins: 0, lockedUntil: null } });
}

/** Points an account at its staff record (only if it points at none), or takes that link away. */
export async function linkStaff(userId: Types.ObjectId, staffId: Types.ObjectId): Promise<void> {
  await UserModel.updateOne({ _id: userId, staffId: null }, { $set: { staffId } });
}

export async function unlinkStaff(userId: Types.ObjectId, staffId: Types.ObjectId): Promise<void> {
  await UserModel.updateOne({ _id: userId, staffId }, { $set: { staffId: null } });
}

/**
 * The login accounts linked to a staff record, for the person's right of access (Law 91/2025/QH15): what
 * is kept about each account — never the password hash, the two-factor secret or the recovery codes (only whether
 * two-factor login is on).
 */
export async function accountDataOfStaff(staffId: Types.ObjectId) {
  const rows = await UserModel.find({ staffId }).select(WITHOUT_HASH).lean<Account[]>();
  return rows.map((u) => ({
    id: u._id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    roles: u.roles.map((g) => ({ role: g.role, unitId: g.unitId })),
    active: u.active,
    language: u.language,
    twoFactorOn: u.totpEnabledAt != null,
    twoFactorSince: u.totpEnabledAt ?? null,
    lastLoginAt: u.lastLoginAt ?? null,
    failedLogins: u.failedLogins,
    lockedUntil: u.lockedUntil ?? null,
    createdAt: (u as { createdAt?: Date }).createdAt ?? null,
  }));
}
