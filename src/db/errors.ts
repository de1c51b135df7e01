/** A binary the embedded database needs is missing or cannot run here; the message says what to do, in one line. */
export class EmbeddedDbMissing extends Error {}
