/** The embedded database cannot start here (a binary missing, a port taken, a folder out of reach); the message says what to do, in one line. */
export class EmbeddedDbMissing extends Error {}
