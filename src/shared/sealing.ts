import crypto from 'node:crypto';

/**
 * Values encrypted at rest with a key from the configuration (AES-256-GCM, a fresh 12-byte IV each time), stored as
 * "v1.<iv>.<tag>.<ciphertext>" in base64url: a copy of the database alone does not reveal them. The key of each use
 * is derived from the configured secret and the use's name, so one secret never serves two uses.
 */
export type SealingKey = Buffer;

export function sealingKey(purpose: string, configured: string): SealingKey {
  return crypto.createHash('sha256').update(`congboc-${purpose}:${configured}`).digest();
}

export function seal(key: SealingKey, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** The plain value, or null when the text is not sealed or not with this key (GCM's tag checks both). */
export function unseal(key: SealingKey, stored: string): string | null {
  const [version, iv, tag, body, extra] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined || extra !== undefined) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Whether a stored text has the sealed form (whatever its key). */
export const looksSealed = (stored: string): boolean => /^v1\.[\w-]+\.[\w-]+\.[\w-]*$/.test(stored);

/** Outside production, reporter identities are sealed with this fixed key when IDENTITY_KEY is not set. */
export const DEVELOPMENT_IDENTITY_KEY = 'dev-identity-key-not-for-production-0123456789';
