import mongoose from 'mongoose';
import { ensureEngineIndexes, type PostgresConnection } from './pg-indexes.js';

mongoose.set('strictQuery', true);
// Indexes are built explicitly at start (syncIndexes), never lazily behind a request.
mongoose.set('autoIndex', false);
// Queries asked while the connection is down wait this long for it (then the page says 503).
mongoose.set('bufferTimeoutMS', 5000);

/**
 * How soon a database that stops answering turns into an error (a 503 page) instead of a hang: the driver checks
 * the server every 2 s and gives up on a check after 5 s, which also interrupts the requests waiting on it; a request
 * finding no server waits 5 s for one. (A stopped server keeps its connections open, so without these a request
 * would wait for it for ever.)
 */
export const connectionOptions = { serverSelectionTimeoutMS: 5000, heartbeatFrequencyMS: 2000, connectTimeoutMS: 5000 } as const;

/** `monitorCommands`: the driver reports every command (tests record what a page asks: test/helpers/page-commands.ts). */
export async function connectDatabase(uri: string, dbName: string, options: { monitorCommands?: boolean } = {}): Promise<typeof mongoose> {
  await mongoose.connect(uri, { dbName, ...connectionOptions, ...options });
  await mongoose.connection.db!.admin().command({ ping: 1 });
  return mongoose;
}

/**
 * Builds every model's declared indexes on MongoDB. On the embedded FerretDB (`engine` given), only the unique ones:
 * FerretDB v1.24 serves no query from its indexes on either backend — SQLite filters `_id` alone in SQL, PostgreSQL
 * filters with `@>`, which its btree indexes cannot answer, and updates by `_id` — so a non-unique index there is
 * only work for every write (a saved evaluation rewrote seven btree indexes beside its row). Such indexes left by an
 * earlier version are dropped. On the embedded PostgreSQL backend the engine indexes that serve FerretDB's
 * pushed-down equality filters are built too (pg-indexes.ts).
 */
export async function ensureIndexes(engine?: { postgres?: PostgresConnection }): Promise<void> {
  const models = Object.values(mongoose.models) as mongoose.Model<unknown>[];
  for (const model of models) await (engine ? constraintsOnly(model) : model.createIndexes());
  if (engine?.postgres) await ensureEngineIndexes(engine.postgres, mongoose.connection.name, models);
}

async function constraintsOnly(model: mongoose.Model<unknown>): Promise<void> {
  // Every collection exists from the first start (creating the indexes used to create it): its table gets its engine
  // indexes now, not at the next start, and no request creates a table under load.
  await model.createCollection();
  const existing = await model.collection.indexes();
  for (const index of existing) if (index.name && index.name !== '_id_' && !index.unique) await model.collection.dropIndex(index.name);
  for (const [fields, options] of model.schema.indexes()) {
    if (!options?.unique) continue;
    await model.collection.createIndex(fields as mongoose.mongo.IndexSpecification, { ...options, unique: true } as mongoose.mongo.CreateIndexesOptions);
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

export async function databaseIsUp(connection: mongoose.Connection = mongoose.connection): Promise<boolean> {
  if (connection.readyState !== 1 || !connection.db) return false;
  try {
    await connection.db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
