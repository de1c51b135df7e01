import type { Schema } from 'mongoose';
import { DEVELOPMENT_IDENTITY_KEY, looksSealed, seal, sealingKey, unseal, type SealingKey } from '../shared/sealing.js';

/**
 * A named reporter's name, phone, e-mail and address are stored sealed (src/shared/sealing.ts) with IDENTITY_KEY, so a
 * copy of the database alone does not say who reported (Decree 13/2023; Luật Tố cáo Art. 9 for denouncers). The
 * schema plugin seals on every write and unseals on every read, so readers keep reading plain fields. Values stored
 * before are sealed once at start-up (`sealStoredIdentities`); until then they read as they are.
 */
export const SEALED_IDENTITY_FIELDS = ['name', 'phone', 'email', 'address'] as const;

let configured: string | null = null;
let key: SealingKey | null = null;

/** The configured IDENTITY_KEY (the server and the app set it before anything is read or written). */
export function useIdentityKey(value: string): void {
  configured = value;
  key = null;
}

function currentKey(): SealingKey {
  if (!key) {
    if (!configured && process.env.NODE_ENV === 'production') throw new Error('IDENTITY_KEY is not configured: reporter identities cannot be sealed or read');
    key = sealingKey('reporter-identity', configured ?? DEVELOPMENT_IDENTITY_KEY);
  }
  return key;
}

const sealed = (value: unknown) => (typeof value === 'string' && value !== '' && !looksSealed(value) ? seal(currentKey(), value) : value);
/** A value sealed under another key reads as empty: never the ciphertext, never a guess. */
const opened = (value: unknown) => (typeof value === 'string' && looksSealed(value) ? (unseal(currentKey(), value) ?? '') : value);

function sealFields(target: Record<string, unknown> | undefined): void {
  if (!target) return;
  for (const f of SEALED_IDENTITY_FIELDS) if (f in target) target[f] = sealed(target[f]);
}

function openFields(doc: unknown): void {
  if (!doc || typeof doc !== 'object') return;
  // A hydrated document keeps its values in `_doc`; writing there does not mark them changed.
  const target = ((doc as { _doc?: Record<string, unknown> })._doc ?? doc) as Record<string, unknown>;
  for (const f of SEALED_IDENTITY_FIELDS) if (f in target) target[f] = opened(target[f]);
}

export function identitySealing(schema: Schema): void {
  schema.pre('save', function () {
    for (const f of SEALED_IDENTITY_FIELDS) this.set(f, sealed(this.get(f)));
  });
  schema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], function () {
    const update = this.getUpdate() as Record<string, unknown> | null;
    if (!update) return;
    sealFields(update.$set as Record<string, unknown> | undefined);
    sealFields(update.$setOnInsert as Record<string, unknown> | undefined);
    sealFields(update);
  });
  schema.post(['find', 'findOne', 'findOneAndUpdate'], function (result: unknown) {
    for (const doc of Array.isArray(result) ? result : [result]) openFields(doc);
  });
}

/** Whether IDENTITY_KEY is set (false: the development key stands in for it). */
export const identityKeyConfigured = (): boolean => configured != null && configured !== DEVELOPMENT_IDENTITY_KEY;

/** Whether a stored sealed value opens with the configured key (the start-up check; never returns the value). */
export const opensWithCurrentKey = (stored: string): boolean => unseal(currentKey(), stored) !== null;

/** Seals the plain values of one stored identity (raw driver document); whether anything changed. */
export function sealedUpdate(raw: Record<string, unknown>): Record<string, string> | null {
  const set: Record<string, string> = {};
  for (const f of SEALED_IDENTITY_FIELDS) {
    const v = raw[f];
    if (typeof v === 'string' && v !== '' && !looksSealed(v)) set[f] = seal(currentKey(), v);
  }
  return Object.keys(set).length ? set : null;
}
