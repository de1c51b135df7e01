import { Types } from 'mongoose';

const HEX_ID = /^[0-9a-f]{24}$/i;

/**
 * A well-formed id as the app writes them: an ObjectId, or its 24 hex digits. Anything else (`Types.ObjectId.isValid`
 * also takes any 12-character string) is "not found", never a cast error.
 */
export function isId(v: unknown): v is string | Types.ObjectId {
  return v instanceof Types.ObjectId || (typeof v === 'string' && HEX_ID.test(v));
}

/** The id, or null when the value is not a well-formed one. */
export function idOrNull(v: unknown): Types.ObjectId | null {
  return isId(v) ? new Types.ObjectId(String(v)) : null;
}
