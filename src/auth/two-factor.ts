import crypto from 'node:crypto';
import argon2 from 'argon2';
import { Secret, TOTP } from 'otpauth';
import type { Types } from 'mongoose';
import { UserModel } from './model.js';
import { actorOf, type LockoutPolicy } from './service.js';
import { KeyedSerialQueue } from '../shared/serial.js';
import type { Actor } from './actor.js';
import { seal, sealingKey, unseal, type SealingKey } from '../shared/sealing.js';

/**
 * Two-factor login: TOTP (RFC 6238, SHA-1, 6 digits, 30 s, as every authenticator app reads it) with one-time
 * recovery codes. The TOTP secret is stored encrypted (AES-256-GCM) with a key from the configuration, so a copy of the
 * database alone does not give the secrets; recovery codes are stored as argon2 hashes only.
 */

const ISSUER = 'Công Bộc';
const PERIOD = 30;
export const RECOVERY_CODE_COUNT = 10;

/** The key that encrypts secrets at rest (TWO_FACTOR_KEY), as 32 bytes. */
export type TwoFactorKey = SealingKey;
export const twoFactorKeyOf = (configured: string): TwoFactorKey => sealingKey('two-factor', configured);
export const encryptSecret = seal;
/** The secret, or null under another key or for a changed value. */
export const decryptSecret = unseal;

function totpOf(secretBase32: string, label = ''): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** A fresh secret (160 bits, as RFC 4226 recommends), in base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, username: string): string {
  return totpOf(secretBase32, username).toString();
}

/** The time step a code is valid for (±1 step for clock drift), or null. */
export function matchingStep(secretBase32: string, code: string, now: Date): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secretBase32).validate({ token, timestamp: now.getTime(), window: 1 });
  return delta == null ? null : Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

// Recovery codes: 10 characters from an alphabet without look-alikes (about 50 bits), shown as xxxxx-xxxxx.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalisedRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
// The codes are random, not chosen by people: argon2id at OWASP's lighter setting is ample and keeps ten checks quick.
const hashRecoveryCode = (code: string) => argon2.hash(normalisedRecoveryCode(code), { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2 });

/** True when the stored secret of the account is in use. */
export async function hasTwoFactor(userId: Types.ObjectId | string): Promise<boolean> {
  const user = await UserModel.findById(userId).select('totpEnabledAt').lean();
  return user?.totpEnabledAt != null;
}

/**
 * Completes an enrolment: only when the code matches the secret being enrolled. Returns the recovery codes, to be
 * shown once, or null when the code is wrong.
 */
export async function enableTwoFactor(key: TwoFactorKey, userId: Types.ObjectId, secretBase32: string, code: string, now = new Date()): Promise<string[] | null> {
  const step = matchingStep(secretBase32, code, now);
  if (step == null) return null;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  await UserModel.updateOne(
    { _id: userId },
    { $set: { totpSecret: encryptSecret(key, secretBase32), totpEnabledAt: now, totpLastStep: step, recoveryCodes: hashes }, $inc: { sessionEpoch: 1 } },
  );
  return codes;
}

/** Removes two-factor login from an account (after the user's own code, or an administrator's reset). */
export async function disableTwoFactor(userId: Types.ObjectId): Promise<void> {
  await UserModel.updateOne({ _id: userId }, { $set: { totpSecret: null, totpEnabledAt: null, totpLastStep: 0, recoveryCodes: [] } });
}

export type CodeCheck = { ok: true; actor: Actor; usedRecoveryCode: boolean } | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Checks a second-step code of an account: a TOTP code of the current step ±1 that is later than the last accepted
 * one, or an unused recovery code (which is then spent). Wrong codes count towards the same lockout as wrong
 * passwords. Nothing about the code is logged or returned.
 */
export async function checkCode(key: TwoFactorKey, userId: string, code: string, policy: LockoutPolicy, now = new Date()): Promise<CodeCheck> {
  return attemptsByAccount.run(userId, () => check(key, userId, code, policy, now));
}
const attemptsByAccount = new KeyedSerialQueue();

async function check(key: TwoFactorKey, userId: string, code: string, policy: LockoutPolicy, now: Date): Promise<CodeCheck> {
  const user = await UserModel.findById(userId).lean();
  if (!user || !user.active || !user.totpSecret) return { ok: false, reason: 'invalid' };
  if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: 'locked' };
  const secret = decryptSecret(key, user.totpSecret);
  const step = secret ? matchingStep(secret, code, now) : null;
  if (step != null) {
    // Accepted only if no code of this step (or a later one) was accepted before; the conditional update makes a
    // second request with the same code, arriving from another process at the same moment, lose.
    const last = user.totpLastStep ?? 0;
    if (step <= last) return failed(user, policy, now);
    const taken = await UserModel.updateOne({ _id: user._id, totpLastStep: last }, { $set: { totpLastStep: step } });
    return taken.modifiedCount === 1 ? succeeded(user, now, false) : failed(user, policy, now);
  }
  const recovery = normalisedRecoveryCode(code);
  if (recovery.length === 10) {
    for (const hash of user.recoveryCodes ?? []) {
      if (await argon2.verify(hash, recovery).catch(() => false)) {
        const spent = await UserModel.updateOne({ _id: user._id, recoveryCodes: hash }, { $pull: { recoveryCodes: hash } });
        if (spent.modifiedCount === 1) return succeeded(user, now, true);
      }
    }
  }
  return failed(user, policy, now);
}

async function succeeded(user: Parameters<typeof actorOf>[0] & { _id: Types.ObjectId }, now: Date, usedRecoveryCode: boolean): Promise<CodeCheck> {
  await UserModel.updateOne({ _id: user._id }, { $set: { failedLogins: 0, lockedUntil: null, lastLoginAt: now } });
  return { ok: true, actor: actorOf(user), usedRecoveryCode };
}

async function failed(user: { _id: Types.ObjectId; failedLogins?: number | null }, policy: LockoutPolicy, now: Date): Promise<CodeCheck> {
  const failures = (user.failedLogins ?? 0) + 1;
  if (failures >= policy.maxAttempts) {
    await UserModel.updateOne({ _id: user._id }, { $set: { failedLogins: 0, lockedUntil: new Date(now.getTime() + policy.lockMinutes * 60_000) } });
    return { ok: false, reason: 'locked' };
  }
  await UserModel.updateOne({ _id: user._id }, { $inc: { failedLogins: 1 } });
  return { ok: false, reason: 'invalid' };
}

/** Checks a code of a signed-in user (to turn two-factor login off): the same rules as at login. */
export async function ownCodeMatches(key: TwoFactorKey, userId: Types.ObjectId, code: string, policy: LockoutPolicy): Promise<CodeCheck> {
  return checkCode(key, String(userId), code, policy);
}
