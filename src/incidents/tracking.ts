import crypto from 'node:crypto';

/**
 * Crockford's base 32: no I, L, O or U, so a code read aloud or copied from paper is unambiguous, and the
 * look-alikes typed by mistake (O for 0, I or L for 1) are read as the digit. 12 symbols = 60 bits.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 3;
const GROUP_LENGTH = 4;
export const TRACKING_CODE_LENGTH = GROUPS * GROUP_LENGTH;

export function newTrackingCode(): string {
  const chars = Array.from({ length: TRACKING_CODE_LENGTH }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]);
  const groups = [];
  for (let i = 0; i < GROUPS; i++) groups.push(chars.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join(''));
  return groups.join('-');
}

/** As typed: any case, spaces or dashes, and the look-alikes of letters we never use. */
export function normaliseTrackingCode(raw: string): string | null {
  const cleaned = raw
    .toUpperCase()
    .replace(/[\s\-–.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (cleaned.length !== TRACKING_CODE_LENGTH) return null;
  if ([...cleaned].some((c) => !ALPHABET.includes(c))) return null;
  return cleaned;
}

export function trackingHash(code: string): string {
  return crypto.createHash('sha256').update(`congboc-tracking:${code}`).digest('hex');
}

/** Hash of a code as typed, or null when it cannot be a code at all. */
export function hashOfTyped(raw: string): string | null {
  const code = normaliseTrackingCode(raw);
  return code ? trackingHash(code) : null;
}

export function hashOfIssued(code: string): string {
  return trackingHash(code.replace(/-/g, ''));
}
