/** The embedded database cannot start here (a binary missing, a port taken, a folder out of reach); the message says what to do, in one line. */
export class EmbeddedDbMissing extends Error {}

/** A write refused by a unique index (MongoDB's and FerretDB's code 11000). */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}
