import { isId } from '../shared/ids.js';
import { Types } from 'mongoose';
import { UserModel, userWrites, type User, type Role } from './model.js';
import { keptByKey } from '../shared/kept-in-memory.js';
import { hashPassword, verifyPassword, decoyPasswordHash } from './passwords.js';
import { KeyedSerialQueue } from '../shared/serial.js';
import type { Actor } from './actor.js';
import { predecessorsOf } from '../shared/succession.js';

export type LoginResult = { ok: true; actor: Actor } | { ok: false; reason: 'invalid' | 'locked'; lockedUntil?: Date };

export interface LockoutPolicy {
  maxAttempts: number;
  lockMinutes: number;
}

export function actorOf(user: Pick<User, '_id' | 'displayName' | 'staffId' | 'roles'> & { sessionEpoch?: number | null; totpEnabledAt?: Date | null }): Actor {
  return {
    userId: user._id,
    displayName: user.displayName,
    staffId: user.staffId ?? null,
    roles: user.roles.map((g) => ({ role: g.role as Role, unitId: g.unitId as Types.ObjectId })),
    sessionEpoch: user.sessionEpoch ?? 0,
    twoFactor: user.totpEnabledAt != null,
  };
}

/**
 * The fields of an account every signed-in request needs, kept per account until any account is written (then read
 * again by `_id`): a deactivation, role change or new session epoch is seen at once by this process and within a
 * second by another. Not fixed for the request, so a request that changes the account reads it anew.
 */
const keptAccounts = keptByKey<ActorFields>(userWrites, 1000).unmemoised;
type ActorFields = Pick<User, '_id' | 'displayName' | 'staffId' | 'roles' | 'active' | 'sessionEpoch' | 'totpEnabledAt'>;

export async function findActor(userId: string): Promise<Actor | null> {
  if (!isId(userId)) return null;
  const user = await keptAccounts(userId, () => UserModel.findById(userId).select('displayName staffId roles active sessionEpoch totpEnabledAt').lean<ActorFields>());
  return user && user.active ? withInheritedGrants(actorOf(user)) : null;
}

/**
 * Whether a staff record has an active login, kept per record until any account is written (as the accounts above): the
 * evaluations ask it on every finalising (does the person still have their say?) and on every form a head opens.
 */
const keptLogins = keptByKey<{ has: boolean }>(userWrites, 1000).unmemoised;
export async function hasActiveLogin(staffId: Types.ObjectId): Promise<boolean> {
  const kept = await keptLogins(String(staffId), async () => ({ has: (await UserModel.findOne({ staffId, active: true }).select('_id').lean()) !== null }));
  return !!kept?.has;
}

/**
 * The accounts of a staff record with their grants, kept as the accounts above: every report about a person asks who
 * they lead (conflict of interest) and whom to leave out of the case. Shared: callers must not change them.
 */
const keptGrants = keptByKey<{ accounts: readonly StaffGrants[] }>(userWrites, 1000).unmemoised;
export type StaffGrants = Pick<User, '_id' | 'roles'>;
export async function grantsOfStaff(staffId: Types.ObjectId): Promise<readonly StaffGrants[]> {
  const kept = await keptGrants(String(staffId), async () => ({ accounts: await UserModel.find({ staffId }).select('roles').lean<StaffGrants[]>() }));
  return kept?.accounts ?? [];
}

/** Roles that carry over to a granted unit's predecessors: a successor's heads and administrators read their records. */
const INHERITED_ROLES: readonly Role[] = ['head', 'admin'];

/** The actor with its head and administrator grants carried over to the predecessors of the granted units. */
export async function withInheritedGrants(actor: Actor): Promise<Actor> {
  const inherited: { role: Role; unitId: Types.ObjectId }[] = [];
  for (const role of INHERITED_ROLES) {
    const granted = actor.roles.filter((g) => g.role === role).map((g) => g.unitId);
    for (const unitId of await predecessorsOf(granted)) inherited.push({ role, unitId });
  }
  return inherited.length ? { ...actor, inherited } : actor;
}

/**
 * Attempts on one account are checked one at a time in this process: parallel wrong passwords would otherwise all
 * read the same failure count and all be checked, past the lockout.
 */
const attemptsByAccount = new KeyedSerialQueue();
const oneAttemptAtATime = <T>(username: string, attempt: () => Promise<T>): Promise<T> => attemptsByAccount.run(username, attempt);

/** Checks a password; repeated failures lock the account for a while, whoever is trying. */
export async function login(username: string, password: string, policy: LockoutPolicy, now?: Date): Promise<LoginResult> {
  const name = username.trim().toLowerCase();
  return oneAttemptAtATime(name, () => checkLogin(name, password, policy, now ?? new Date()));
}

async function checkLogin(username: string, password: string, policy: LockoutPolicy, now: Date): Promise<LoginResult> {
  const user = await UserModel.findOne({ username }).lean();
  if (!user || !user.active) {
    await verifyPassword(await decoyPasswordHash(), password);
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil };
  if (!(await verifyPassword(user.passwordHash, password))) {
    const failures = (user.failedLogins ?? 0) + 1;
    if (failures >= policy.maxAttempts) {
      const lockedUntil = new Date(now.getTime() + policy.lockMinutes * 60_000);
      await UserModel.updateOne({ _id: user._id }, { $set: { failedLogins: 0, lockedUntil } });
      return { ok: false, reason: 'locked', lockedUntil };
    }
    await UserModel.updateOne({ _id: user._id }, { $inc: { failedLogins: 1 } });
    return { ok: false, reason: 'invalid' };
  }
  await UserModel.updateOne({ _id: user._id }, { $set: { failedLogins: 0, lockedUntil: null, lastLoginAt: now } });
  return { ok: true, actor: actorOf(user) };
}

export async function createUser(input: {
  username: string;
  password: string;
  displayName: string;
  roles: { role: Role; unitId: Types.ObjectId }[];
  staffId?: Types.ObjectId | null;
}): Promise<User> {
  const doc = await UserModel.create({
    username: input.username,
    passwordHash: await hashPassword(input.password),
    displayName: input.displayName,
    roles: input.roles,
    staffId: input.staffId ?? null,
  });
  return doc.toObject() as User;
}
