/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { coversUnit, hasRole, inheritedRoots, scopeRoots } from './actor.js';
export type { Actor } from './actor.js';
export { actor, renewSignIn, requireLogin, requireRole, requireTwoFactorEnrolment } from './guards.js';
export { ROLES } from './model.js';
export { accountByUsername, accountDataOfStaff, accountsOfStaff, accountsWithRoleOn, clearLockout, createAccount, findAccount, linkStaff, passwordMatches, setPassword, unlinkStaff, updateAccount, usernameTaken, type Account } from './accounts.js';
export type { Role, User } from './model.js';
export { actorOf, grantsOfStaff, hasActiveLogin, withInheritedGrants } from './service.js';
export { decryptSecret, disableTwoFactor, enableTwoFactor, encryptSecret, hasTwoFactor, newTotpSecret, ownCodeMatches, totpUri, twoFactorKeyOf, RECOVERY_CODE_COUNT, type TwoFactorKey } from './two-factor.js';
export type { LockoutPolicy } from './service.js';
export { sweepExpiredSessions } from './sessions.js';
