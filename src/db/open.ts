import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from './connection.js';
import { startEmbeddedDb, type EmbeddedDb } from './embedded.js';

export interface OpenDatabase {
  /** Disconnects, then stops the embedded server if this process started one. Safe to call twice. */
  close(): Promise<void>;
}

let embedded: EmbeddedDb | null = null;

/** Connects to MONGODB_URI, or starts and supervises the embedded FerretDB (and its PostgreSQL) when it is unset; builds indexes. */
export async function openDatabase(config: Config, logger: Logger): Promise<OpenDatabase> {
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedDb({
      backend: config.EMBEDDED_DB_BACKEND,
      bin: config.FERRETDB_BIN,
      dataDir: config.EMBEDDED_DB_DIR,
      port: config.EMBEDDED_DB_PORT,
      pgBinDir: config.PG_BIN_DIR,
      pgOsUser: config.EMBEDDED_PG_OS_USER,
      logger,
    });
    uri = embedded.uri;
  }
  await connectDatabase(uri, config.DB_NAME);
  await ensureIndexes(embedded ?? undefined);
  return { close: closeDatabase };
}

/** Also for failures part-way through openDatabase: an embedded server already started is stopped. */
export async function closeDatabase(): Promise<void> {
  await disconnectDatabase().catch(() => undefined);
  await embedded?.stop();
  embedded = null;
}
