import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';

export const ROLES = ['admin', 'head', 'staff'] as const;
export type Role = (typeof ROLES)[number];

const roleGrantSchema = new Schema(
  {
    role: { type: String, enum: ROLES, required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
  },
  { _id: false },
);

const userSchema = new Schema(
  {
    username: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    displayName: { type: String, required: true, trim: true },
    email: { type: String, default: '', trim: true, lowercase: true },
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    roles: { type: [roleGrantSchema], default: [] },
    active: { type: Boolean, default: true },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    lastLoginAt: { type: Date, default: null },
    language: { type: String, enum: ['vi', 'en'], default: 'vi' },
    /** Raised when the password changes: sessions signed in under an older value end (passport.ts). */
    sessionEpoch: { type: Number, default: 0 },
    /** Two-factor login (two-factor.ts): the TOTP secret encrypted with TWO_FACTOR_KEY, null when not enrolled. */
    totpSecret: { type: String, default: null },
    totpEnabledAt: { type: Date, default: null },
    /** The last 30-second step a code was accepted for: a code of that step or an earlier one is refused (replay). */
    totpLastStep: { type: Number, default: 0 },
    /** argon2 hashes of the unused recovery codes; each is removed when used. */
    recoveryCodes: { type: [String], default: [] },
  },
  { timestamps: true },
);
userSchema.index({ username: 1 }, { unique: true });
userSchema.index({ staffId: 1 });

export type User = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
/**
 * Every write through the model sets a new revision: the accounts read on each request are kept until then. Logging in
 * (a success, a wrong password, a lockout, a used two-factor code) writes only bookkeeping that no kept read shows, so it
 * leaves them: a morning's logins would otherwise send every signed-in request back to the database after each one.
 */
export const userWrites = watchWrites(userSchema, 'users', {
  unseenFields: ['failedLogins', 'lockedUntil', 'lastLoginAt', 'totpLastStep', 'recoveryCodes', 'updatedAt'],
});
export const UserModel = mongoose.model('User', userSchema);
