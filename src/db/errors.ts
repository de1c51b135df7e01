/** The embedded database cannot start here (a binary missing, a port taken, a folder out of reach); the message says what to do, in one line. */
export class EmbeddedDbMissing extends Error {}

/** A write refused by a unique index (MongoDB's and FerretDB's code 11000). */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

/**
 * A write with `upsert`, run again as a plain update when it lost a race to create the document: two first writers
 * of one `_id` both try the insert, and the second gets a duplicate key (on MongoDB and FerretDB alike) although the
 * document it meant to update now exists.
 */
export async function upserting<T>(write: (upsert: boolean) => Promise<T>): Promise<T> {
  try {
    return await write(true);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return write(false);
  }
}
